using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;

namespace AcsFunctions.Schemas.CallClient;

/// <summary>CallClientOperations (acs-data-contract §3.15): request-like, rolled up with the API requests.</summary>
public sealed class CallClientOperationsModule : CategoryModule
{
    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        new()
        {
            Name = Dispatch.Categories.CallClientOperations,
            DocumentedFields =
            [
                "CallClientTimeStamp", "CallId", "ClientInstanceId", "EndpointId", "OperationId", "OperationPayload", "OperationType",
                "ParticipantId", "SdkVersion", "UserAgent",
            ],
            EnrichedColumns = ["StatusClass", "Success", "Failed", "CallId", "OperationType", "PayloadParsed"],
            PersonalFields = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
            {
                ["UserAgent"] = PersonalFields.FreeText,
                ["OperationPayload"] = PersonalFields.FreeText,
            },
        },
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new CallClientOperationsHandler();

    /// <inheritdoc />
    public override IReadOnlyList<IWindowAggregator> Aggregators { get; } = [new ApiRequestWindowAggregator([Dispatch.Categories.CallClientOperations])];

    /// <inheritdoc />
    public override IReadOnlyList<Type> QueryKinds => [typeof(ApiRequestsQuery)];

    /// <inheritdoc />
    public override IReadOnlyList<string> SampleFiles => ["call-client.json"];

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["StatusClass", "PayloadParsed"];
}

/// <summary>CallClientMediaStatsTimeSeries (acs-data-contract §3.16): stored, not rolled up.</summary>
public sealed class CallClientMediaStatsModule : CategoryModule
{
    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        new()
        {
            Name = Dispatch.Categories.CallClientMediaStatsTimeSeries,
            DocumentedFields =
            [
                "AggregationIntervalSeconds", "Average", "CallClientTimeStamp", "CallId", "ClientInstanceId", "Count", "EndpointId",
                "Maximum", "MediaStreamCodec", "MediaStreamDirection", "MediaStreamId", "MediaStreamType", "MetricName", "Minimum",
                "ParticipantId", "RemoteEndpointId", "RemoteParticipantId", "Sum",
            ],
            EnrichedColumns = ["CallId", "MetricName", "Average", "MediaStreamType", "MediaStreamDirection"],
        },
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new CallClientMediaStatsHandler();

    /// <inheritdoc />
    public override IReadOnlyList<string> SampleFiles => ["call-client.json"];
}
