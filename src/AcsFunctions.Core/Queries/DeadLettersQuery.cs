using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary><c>dead-letters</c>: every dead letter whose time lies in the range (a PartitionKey range over its days).</summary>
public sealed class DeadLettersQuery : IQueryKind
{
    private readonly AcsStorage _storage;

    /// <summary>Creates the query.</summary>
    public DeadLettersQuery(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public string Name => QueryKinds.DeadLetters;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Category;

    /// <inheritdoc />
    public Type? RowType(string? view) => typeof(DeadLetterRow);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var filter = DeadLetterEntities.DayRangeFilter(parameters.From, parameters.To.AddTicks(-1));
        if (parameters.Category is { } category)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Category eq {category}");
        }

        var rows = await AggregateQuery.ReadAsync(_storage, TableNames.DeadLetters, filter, cancellationToken);
        return
        [
            // A body dead-lettered before #20 (bare day partition) and again after (a shard of the day) is one dead
            // letter: the RowKey is its reason and payload hash.
            .. rows.DistinctBy(r => (r.PartitionKey[..Math.Min(8, r.PartitionKey.Length)], r.RowKey))
                .Select(ToRow)
                .Where(r => r.Time >= parameters.From && r.Time < parameters.To)
                .OrderBy(r => r.Time)
                .ThenBy(r => r.RowKey, StringComparer.Ordinal),
        ];
    }

    private static DeadLetterRow ToRow(TableEntity entity)
    {
        var lineage = LineageColumns.Read(entity);
        return new DeadLetterRow
        {
            Time = lineage.EnqueuedTime ?? EntityValues.Time(entity, "EventTime") ?? entity.Timestamp ?? Windows.Parse(entity.PartitionKey[..8] + "0000"),
            Reason = EntityValues.Text(entity, "Reason") ?? "unknown",
            Category = EntityValues.Text(entity, "Category"),
            Detail = EntityValues.Text(entity, "Detail"),
            Source = lineage.ToString(),
            PartitionKey = entity.PartitionKey,
            RowKey = entity.RowKey,
        };
    }
}
