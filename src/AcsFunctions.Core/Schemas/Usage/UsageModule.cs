using AcsFunctions.Dispatch;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Schemas.Usage;

/// <summary>Usage (billing; acs-data-contract §3.21): quantity rolled up per usage type and unit, read by the <c>usage</c> query kind.</summary>
public sealed class UsageModule : CategoryModule
{
    /// <summary>Usage quantity per usage type and unit.</summary>
    public static KeyedCountAggregator Aggregate { get; } = new(
        TableNames.AggUsage, Dispatch.Categories.Usage, ["UsageType", "UnitType"], "Quantity");

    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        new()
        {
            Name = Dispatch.Categories.Usage,
            DocumentedFields = ["EndTime", "ParticipantId", "Quantity", "RecordId", "StartTime", "UnitType", "UsageType", "UserIdA", "UserIdB"],
            EnrichedColumns = ["UsageType", "UnitType", "Quantity", "UsageRecordId", "StartTime", "DurationSeconds"],
        },
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new UsageHandler();

    /// <inheritdoc />
    public override IReadOnlyList<IWindowAggregator> Aggregators { get; } = [Aggregate];

    /// <inheritdoc />
    public override IReadOnlyList<Type> QueryKinds => [typeof(UsageQuery)];

    /// <inheritdoc />
    public override IReadOnlyList<string> SampleFiles => ["usage.json"];

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["UsageType"];
}
