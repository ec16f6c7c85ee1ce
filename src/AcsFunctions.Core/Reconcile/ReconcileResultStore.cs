using AcsFunctions.Records;
using AcsFunctions.Storage;
using Azure.Data.Tables;

namespace AcsFunctions.Reconcile;

/// <summary>
/// Stored hourly reconciliations in the <c>Reconciliation</c> table: PartitionKey = the hour's window key
/// (<c>yyyyMMddHHmm</c>), RowKey = <c>resourceKey|metric|operation|status</c>; replaced when the hour is re-checked.
/// </summary>
public sealed class ReconcileResultStore
{
    /// <summary>Logical table name.</summary>
    public const string TableName = "Reconciliation";

    /// <summary>
    /// The partition of the job's progress rows (RowKey = the encoded resource key, columns <c>CheckedThrough</c> and
    /// <c>ResourceId</c>): after every <c>yyyyMMddHHmm</c> key, so no hour range — the query, retention — reads it.
    /// </summary>
    public const string ProgressPartition = "~checked";

    private const string CheckedThroughColumn = "CheckedThrough";

    private readonly TableWriter _writer;
    private readonly AcsStorage _storage;

    /// <summary>Creates the store.</summary>
    public ReconcileResultStore(TableWriter writer, AcsStorage storage)
    {
        _writer = writer;
        _storage = storage;
    }

    /// <summary>
    /// The start of the first hour of <paramref name="resourceId"/> that still needs a check by the scheduled job (every
    /// earlier hour had its last one), or null before the job's first run for it.
    /// </summary>
    public async Task<DateTimeOffset?> ReadCheckedThroughAsync(string resourceId, CancellationToken cancellationToken = default)
    {
        var row = await TableReads.PointAsync(_storage.GetTable(TableName), ProgressPartition, KeyEncoder.Encode(ResourceRef.Parse(resourceId).Key), cancellationToken);
        return row?.GetDateTimeOffset(CheckedThroughColumn);
    }

    /// <summary>Records that every hour of <paramref name="resourceId"/> before <paramref name="checkedThrough"/> had its last scheduled check.</summary>
    public async Task SaveCheckedThroughAsync(string resourceId, DateTimeOffset checkedThrough, CancellationToken cancellationToken = default)
    {
        var resource = ResourceRef.Parse(resourceId);
        var rejected = await _writer.WriteAsync(
            [new TableWrite(TableName, new TableEntity(ProgressPartition, KeyEncoder.Encode(resource.Key)) { ["ResourceId"] = resource.Id, [CheckedThroughColumn] = checkedThrough })],
            cancellationToken);
        if (rejected.Count > 0)
        {
            throw new InvalidOperationException($"Table storage refused the reconciliation progress of {resource.Id}: {rejected[0].Error}");
        }
    }

    /// <summary>Stores the rows of a one-hour report.</summary>
    /// <exception cref="ArgumentException">The report does not cover exactly one hour.</exception>
    public async Task SaveAsync(ReconcileReport report, DateTimeOffset reconciledAt, CancellationToken cancellationToken = default)
    {
        if (report.To - report.From != TimeSpan.FromHours(1))
        {
            throw new ArgumentException("Only one-hour reports are stored.", nameof(report));
        }

        var resource = ResourceRef.Parse(report.ResourceId);
        var writes = report.Rows.Select(r => new TableWrite(TableName, new TableEntity(Windows.Key(report.From), KeyEncoder.Join(resource.Key, r.Metric, r.Operation, r.StatusCode))
        {
            ["ResourceKey"] = resource.Key,
            ["ResourceId"] = resource.Id,
            ["ResourceName"] = resource.Name,
            ["Metric"] = r.Metric,
            ["Category"] = r.Category,
            ["Operation"] = r.Operation,
            ["StatusCode"] = r.StatusCode,
            ["Platform"] = r.Platform,
            ["Ours"] = r.Ours,
            ["Difference"] = r.Difference,
            ["Verdict"] = r.Verdict.ToString(),
            ["ReconciledAt"] = reconciledAt,
        }));
        var rejected = await _writer.WriteAsync(writes, cancellationToken);
        if (rejected.Count > 0)
        {
            throw new InvalidOperationException($"Table storage refused {rejected.Count} reconciliation rows: {rejected[0].Error}");
        }
    }
}
