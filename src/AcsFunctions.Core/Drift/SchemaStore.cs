using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Drift;

/// <summary>
/// The schema tables. <c>SchemaFields</c>: PartitionKey = category, RowKey = <c>field|sourcePartition</c> (lower-case
/// field path) or <c>!records|sourcePartition</c>; columns <c>Field</c>, <c>Partition</c>, <c>Kinds</c>,
/// <c>KindCounts</c> (<c>string: 3, number: 12</c>), <c>Count</c>, <c>FirstSeen</c>, <c>LastSeen</c> (event time). Counts are per source partition so that every row has one writer.
/// <c>SchemaDrift</c>: PartitionKey = category, RowKey = <c>change|field|new kinds</c> (deterministic: a change is stored once);
/// columns <c>Change</c>, <c>Field</c>, <c>OldKinds</c>, <c>NewKinds</c>, <c>Detail</c>, <c>DetectedAt</c>, <c>EventTime</c>,
/// <c>ExampleRecordId</c>, <c>Source</c>.
/// </summary>
public sealed class SchemaStore
{
    /// <summary>Field signature table (logical name).</summary>
    public const string FieldsTable = "SchemaFields";

    /// <summary>Detected changes (logical name).</summary>
    public const string DriftTable = "SchemaDrift";

    /// <summary>RowKey prefix of the per-partition record counters of a category.</summary>
    public const string RecordsRow = "!records";

    private readonly AcsStorage _storage;
    private readonly TableWriter _writer;

    /// <summary>Creates the store.</summary>
    public SchemaStore(AcsStorage storage, TableWriter writer)
    {
        _storage = storage;
        _writer = writer;
    }

    /// <summary>Every stored field row (all categories; a small table).</summary>
    public Task<List<TableEntity>> AllFieldsAsync(string? category, CancellationToken cancellationToken = default) =>
        category is null
            ? TableReads.QueryAsync(_storage.GetTable(FieldsTable), string.Empty, null, cancellationToken)
            : TableReads.PartitionAsync(_storage.GetTable(FieldsTable), KeyEncoder.Encode(category), null, cancellationToken);

    /// <summary>Every stored change (all categories, or one).</summary>
    public async Task<List<DriftEntry>> DriftAsync(string? category, CancellationToken cancellationToken = default)
    {
        var rows = category is null
            ? await TableReads.QueryAsync(_storage.GetTable(DriftTable), string.Empty, null, cancellationToken)
            : await TableReads.PartitionAsync(_storage.GetTable(DriftTable), KeyEncoder.Encode(category), null, cancellationToken);
        return [.. rows.Select(ToEntry).OrderBy(e => e.DetectedAt).ThenBy(e => e.Category, StringComparer.Ordinal).ThenBy(e => e.Field, StringComparer.Ordinal)];
    }

    internal async Task<CategorySchema> LoadAsync(string category, CancellationToken cancellationToken) =>
        Build(category, await AllFieldsAsync(category, cancellationToken));

    /// <summary>The stored signature of every category (or one), counters per source partition, sorted by category.</summary>
    internal async Task<List<CategorySchema>> LoadAllAsync(string? category, CancellationToken cancellationToken)
    {
        var rows = await AllFieldsAsync(category, cancellationToken);
        return
        [
            .. rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
                .Select(g => Build(EntityValues.Text(g.First(), "Category") ?? KeyEncoder.Decode(g.Key), [.. g]))
                .OrderBy(s => s.Category, StringComparer.Ordinal),
        ];
    }

    private static CategorySchema Build(string category, List<TableEntity> rows)
    {
        var schema = new CategorySchema(category, known: rows.Count > 0);
        foreach (var row in rows)
        {
            var partition = EntityValues.Text(row, "Partition") ?? "-";
            var counter = row.RowKey.StartsWith(RecordsRow + "|", StringComparison.Ordinal)
                ? schema.RecordsFor(partition)
                : Field(schema, row).For(partition);
            counter.Count = (long)(EntityValues.Number(row, "Count") ?? 0);
            counter.First = EntityValues.Time(row, "FirstSeen");
            counter.Last = EntityValues.Time(row, "LastSeen");
            counter.KindCounts = ValueKindRules.ParseCounts(EntityValues.Text(row, "KindCounts"));
        }

        return schema;
    }

    /// <summary>Writes the changes and every counter of the category that changed since its last write.</summary>
    internal async Task WriteAsync(CategorySchema schema, IReadOnlyList<DriftEntry> drift, CancellationToken cancellationToken)
    {
        var writes = new List<TableWrite>();
        var partitionKey = KeyEncoder.Encode(schema.Category);
        foreach (var entry in drift)
        {
            var entity = new TableEntity(partitionKey, KeyEncoder.Join(entry.Change, (entry.Field ?? string.Empty).ToLowerInvariant(), entry.Discriminator))
            {
                ["Category"] = entry.Category,
                ["Change"] = entry.Change,
                ["Field"] = entry.Field,
                ["Detail"] = entry.Detail,
                ["OldKinds"] = entry.OldKinds,
                ["NewKinds"] = entry.NewKinds,
                ["DetectedAt"] = entry.DetectedAt,
                ["EventTime"] = entry.EventTime,
                ["ExampleRecordId"] = entry.ExampleRecordId,
                ["Source"] = entry.Source,
            };
            writes.Add(new TableWrite(DriftTable, entity));
        }

        var written = new List<SeenCounter>();
        foreach (var (partition, counter) in schema.RecordsByPartition.Where(p => p.Value.Dirty))
        {
            writes.Add(new TableWrite(FieldsTable, Row(partitionKey, schema.Category, RecordsRow, null, partition, ValueKinds.None, counter)));
            written.Add(counter);
        }

        foreach (var field in schema.Fields.Values)
        {
            foreach (var (partition, counter) in field.ByPartition.Where(p => p.Value.Dirty))
            {
                writes.Add(new TableWrite(FieldsTable, Row(partitionKey, schema.Category, field.Path.ToLowerInvariant(), field.Path, partition, field.Kinds, counter)));
                written.Add(counter);
            }
        }

        if (writes.Count == 0)
        {
            return;
        }

        var rejected = await _writer.WriteAsync(writes, cancellationToken);
        if (rejected.Count > 0)
        {
            throw new InvalidOperationException($"{rejected.Count} schema row(s) rejected: {rejected[0].Error}");
        }

        foreach (var counter in written)
        {
            counter.Dirty = false;
        }
    }

    private static FieldSchema Field(CategorySchema schema, TableEntity row)
    {
        var field = schema.Field(EntityValues.Text(row, "Field") ?? KeyEncoder.Decode(row.RowKey.Split('|')[0]));
        field.Kinds |= ValueKindRules.Parse(EntityValues.Text(row, "Kinds"));
        return field;
    }

    private static TableEntity Row(string partitionKey, string category, string rowName, string? field, string partition, ValueKinds kinds, SeenCounter counter) =>
        new(partitionKey, KeyEncoder.Join(rowName, partition))
        {
            ["Category"] = category,
            ["Field"] = field,
            ["Partition"] = partition,
            ["Kinds"] = field is null ? null : ValueKindRules.Format(kinds),
            ["KindCounts"] = counter.KindCounts is { } counts ? ValueKindRules.FormatCounts(counts) : null,
            ["Count"] = counter.Count,
            ["FirstSeen"] = counter.First,
            ["LastSeen"] = counter.Last,
        };

    private static DriftEntry ToEntry(TableEntity row) => new()
    {
        Category = EntityValues.Text(row, "Category") ?? KeyEncoder.Decode(row.PartitionKey),
        Change = EntityValues.Text(row, "Change") ?? "unknown",
        Field = EntityValues.Text(row, "Field"),
        Detail = EntityValues.Text(row, "Detail") ?? string.Empty,
        OldKinds = EntityValues.Text(row, "OldKinds"),
        NewKinds = EntityValues.Text(row, "NewKinds"),
        DetectedAt = EntityValues.Time(row, "DetectedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        EventTime = EntityValues.Time(row, "EventTime"),
        ExampleRecordId = EntityValues.Text(row, "ExampleRecordId"),
        Source = EntityValues.Text(row, "Source"),
    };
}
