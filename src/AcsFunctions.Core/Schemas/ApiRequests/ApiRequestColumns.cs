using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.ApiRequests;

/// <summary>
/// The columns every request-like record gets (the API-request family and CallClientOperations):
/// <c>OperationVersion</c>, <c>ResultType</c>, <c>ResultSignature</c>, <c>ResultDescription</c>, <c>StatusCode</c>,
/// <c>StatusClass</c>, <c>Success</c>, <c>Failed</c>, <c>DurationMs</c>, <c>CallerIpAddress</c>, <c>Level</c>,
/// <c>Location</c>.
/// </summary>
public static class ApiRequestColumns
{
    private static readonly HashSet<string> _failedResultTypes =
        new(["Failed", "Failure", "UnexpectedClientError", "UnexpectedServerError"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> _succeededResultTypes =
        new(["Succeeded", "Success", "Completed"], StringComparer.OrdinalIgnoreCase);

    /// <summary>How many columns <see cref="Add"/> adds at most.</summary>
    public const int Count = 12;

    /// <summary>Adds the request columns of <paramref name="record"/> to <paramref name="columns"/>.</summary>
    public static RequestOutcome Add(ColumnSet columns, DiagnosticRecord record)
    {
        var signature = record.GetString("resultSignature");
        var resultType = record.GetString("resultType");
        var code = StatusClasses.ParseCode(signature.OrNull());
        var statusClass = StatusClasses.Of(code);
        var type = resultType.OrNull();
        var failed = StatusClasses.IsFailure(statusClass) || (type is not null && _failedResultTypes.Contains(type));
        var success = !failed && (StatusClasses.IsSuccess(statusClass) || (type is not null && _succeededResultTypes.Contains(type)));

        columns
            .Add("OperationVersion", record.GetString("operationVersion"))
            .Add("ResultType", resultType)
            .Add("ResultSignature", signature)
            .Add("ResultDescription", record.GetString("resultDescription"))
            .Add("StatusCode", code is { } c ? StatusClasses.Text(c) : signature.OrNull())
            .Add("StatusClass", statusClass)
            .Add("Success", success)
            .Add("Failed", failed)
            .Add("DurationMs", record.GetDouble("durationMs"))
            .Add("CallerIpAddress", record.GetString("callerIpAddress"))
            .Add("Level", record.GetString("level"))
            .Add("Location", record.GetString("location"));
        return new RequestOutcome(code, statusClass, success, failed);
    }
}
