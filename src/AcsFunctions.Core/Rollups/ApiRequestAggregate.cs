using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// API requests of one (window, resource, category, operation, status code): count, failed, duration
/// distribution and, for SMS delivery reports, the outcome counts. Rows of coarser intervals are merges of these.
/// </summary>
public sealed class ApiRequestAggregate
{
    /// <summary>The columns of a stored record the aggregate reads.</summary>
    public static readonly IReadOnlyList<string> SourceColumns =
        ["OperationName", "StatusCode", "StatusClass", "Failed", "DurationMs", "SmsOutcome", "ResourceKey", "ResourceId", "ResourceName"];

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; set; }

    /// <summary>The resource.</summary>
    public required ResourceInfo Resource { get; init; }

    /// <summary>Canonical category.</summary>
    public required string Category { get; init; }

    /// <summary>Operation name (<c>unknown</c> when the record had none).</summary>
    public required string Operation { get; init; }

    /// <summary>Status code as text (<c>unknown</c> when the record had none).</summary>
    public required string StatusCode { get; init; }

    /// <summary>Status class (<c>2xx</c>, <c>4xx</c>, <c>429</c>, <c>5xx</c>, <c>unknown</c>).</summary>
    public string StatusClass { get; set; } = "unknown";

    /// <summary>Requests.</summary>
    public long Count { get; set; }

    /// <summary>Failed requests (status 4xx/5xx or resultType Failed).</summary>
    public long Failed { get; set; }

    /// <summary>SMS delivery reports with outcome Delivered.</summary>
    public long SmsDelivered { get; set; }

    /// <summary>SMS delivery reports with outcome Failed.</summary>
    public long SmsFailed { get; set; }

    /// <summary>SMS delivery reports with outcome Blocked.</summary>
    public long SmsBlocked { get; set; }

    /// <summary>SMS delivery reports whose carrier does not report delivery (outcome Unknown, ErrorCode 5002).</summary>
    public long SmsUnknown { get; set; }

    /// <summary>Durations in milliseconds (requests without a duration are not in it).</summary>
    public Distribution DurationMs { get; private init; } = new();

    /// <summary>The RowKey: <c>resourceKey|category|operation|statusCode</c>.</summary>
    public string RowKey => KeyEncoder.Join(Resource.Key, Category, Operation, StatusCode);

    /// <summary>The grouping key of a stored record.</summary>
    public static (string Operation, string StatusCode) KeyOf(TableEntity record) =>
        (EntityValues.Text(record, "OperationName") ?? "unknown", EntityValues.Text(record, "StatusCode") ?? "unknown");

    /// <summary>Adds one stored record.</summary>
    public void Add(TableEntity record)
    {
        Count++;
        if (EntityValues.Flag(record, "Failed") == true)
        {
            Failed++;
        }

        if (EntityValues.Text(record, "StatusClass") is { } statusClass)
        {
            StatusClass = statusClass;
        }

        switch (EntityValues.Text(record, "SmsOutcome"))
        {
            case "Delivered":
                SmsDelivered++;
                break;
            case "Failed":
                SmsFailed++;
                break;
            case "Blocked":
                SmsBlocked++;
                break;
            case "Unknown":
                SmsUnknown++;
                break;
        }

        DurationMs.Add(EntityValues.Number(record, "DurationMs"));
    }

    /// <summary>Adds another aggregate of the same key (for coarser intervals).</summary>
    public void Merge(ApiRequestAggregate other)
    {
        Count += other.Count;
        Failed += other.Failed;
        SmsDelivered += other.SmsDelivered;
        SmsFailed += other.SmsFailed;
        SmsBlocked += other.SmsBlocked;
        SmsUnknown += other.SmsUnknown;
        DurationMs.Merge(other.DurationMs);
    }

    /// <summary>The aggregate row (PartitionKey = window key).</summary>
    public TableEntity ToEntity()
    {
        var entity = new TableEntity(Windows.Key(WindowStart), RowKey)
        {
            ["Category"] = Category,
            ["Operation"] = Operation,
            ["StatusCode"] = StatusCode,
            ["StatusClass"] = StatusClass,
            ["Count"] = Count,
            ["Failed"] = Failed,
            ["SmsDelivered"] = SmsDelivered,
            ["SmsFailed"] = SmsFailed,
            ["SmsBlocked"] = SmsBlocked,
            ["SmsUnknown"] = SmsUnknown,
        };
        Resource.WriteTo(entity, WindowStart);
        DurationMs.WriteTo(entity, "DurationMs");
        return entity;
    }

    /// <summary>Reads an aggregate row.</summary>
    /// <exception cref="FormatException">A histogram column is malformed.</exception>
    public static ApiRequestAggregate FromEntity(TableEntity entity) => new()
    {
        WindowStart = EntityValues.Time(entity, "WindowStart") ?? Windows.Parse(entity.PartitionKey),
        Resource = ResourceInfo.Read(entity),
        Category = EntityValues.Text(entity, "Category") ?? "unknown",
        Operation = EntityValues.Text(entity, "Operation") ?? "unknown",
        StatusCode = EntityValues.Text(entity, "StatusCode") ?? "unknown",
        StatusClass = EntityValues.Text(entity, "StatusClass") ?? "unknown",
        Count = entity.GetInt64("Count") ?? 0,
        Failed = entity.GetInt64("Failed") ?? 0,
        SmsDelivered = entity.GetInt64("SmsDelivered") ?? 0,
        SmsFailed = entity.GetInt64("SmsFailed") ?? 0,
        SmsBlocked = entity.GetInt64("SmsBlocked") ?? 0,
        SmsUnknown = entity.GetInt64("SmsUnknown") ?? 0,
        DurationMs = Distribution.ReadFrom(entity, "DurationMs"),
    };

    /// <summary>Reads an aggregate row of a page, as <see cref="FromEntity"/> reads the same row as stored (no entity in between).</summary>
    /// <exception cref="FormatException">A histogram column is malformed.</exception>
    public static ApiRequestAggregate FromPage(in PageRow row) => new()
    {
        WindowStart = row.Time("WindowStart") ?? Windows.Parse(row.PartitionKey),
        Resource = ResourceInfo.Read(row),
        Category = row.Text("Category") ?? "unknown",
        Operation = row.Text("Operation") ?? "unknown",
        StatusCode = row.Text("StatusCode") ?? "unknown",
        StatusClass = row.Text("StatusClass") ?? "unknown",
        Count = row.Int64("Count") ?? 0,
        Failed = row.Int64("Failed") ?? 0,
        SmsDelivered = row.Int64("SmsDelivered") ?? 0,
        SmsFailed = row.Int64("SmsFailed") ?? 0,
        SmsBlocked = row.Int64("SmsBlocked") ?? 0,
        SmsUnknown = row.Int64("SmsUnknown") ?? 0,
        DurationMs = Distribution.ReadFrom(row, "DurationMs"),
    };
}
