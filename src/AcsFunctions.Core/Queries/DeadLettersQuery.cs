using System.Globalization;
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
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var firstDay = Day(parameters.From);
        var lastDay = Day(parameters.To.AddTicks(-1));
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {firstDay} and PartitionKey le {lastDay}");
        if (parameters.Category is { } category)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Category eq {category}");
        }

        var rows = await AggregateQuery.ReadAsync(_storage, TableNames.DeadLetters, filter, cancellationToken);
        return
        [
            .. rows.Select(ToRow)
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
            Time = lineage.EnqueuedTime ?? EntityValues.Time(entity, "EventTime") ?? entity.Timestamp ?? Windows.Parse(entity.PartitionKey + "0000"),
            Reason = EntityValues.Text(entity, "Reason") ?? "unknown",
            Category = EntityValues.Text(entity, "Category"),
            Detail = EntityValues.Text(entity, "Detail"),
            Source = lineage.ToString(),
            PartitionKey = entity.PartitionKey,
            RowKey = entity.RowKey,
        };
    }

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
