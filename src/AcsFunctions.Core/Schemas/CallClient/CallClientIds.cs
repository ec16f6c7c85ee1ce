using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.CallClient;

/// <summary>The identity columns both Calling SDK categories carry: call, participant, client instance, client time, SDK.</summary>
public static class CallClientIds
{
    /// <summary>How many columns <see cref="Add"/> adds at most.</summary>
    public const int Count = 5;

    /// <summary>Adds <c>CallId</c>, <c>ParticipantId</c>, <c>ClientInstanceId</c>, <c>CallClientTimeStamp</c>, <c>SdkVersion</c>.</summary>
    public static ColumnSet Add(ColumnSet columns, DiagnosticRecord record) => columns
        .Add("CallId", record.GetString("CallId"))
        .Add("ParticipantId", record.GetString("ParticipantId"))
        .Add("ClientInstanceId", record.GetString("ClientInstanceId"))
        .Add("CallClientTimeStamp", record.GetDateTime("CallClientTimeStamp"))
        .Add("SdkVersion", record.GetString("SdkVersion"));
}
