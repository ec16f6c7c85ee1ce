using AcsFunctions.Queries;

namespace AcsFunctions.Drift;

/// <summary>
/// <c>schema</c>: what the drift detector stored. View <c>drift</c> (default): the detected changes whose first record
/// (event time) or detection lies in the range, with the records affected so far. View <c>fields</c>: the field
/// inventory per category — every field seen in the range with its value kinds, counts and first/last seen (counts are
/// totals since the first record, not per range).
/// </summary>
public sealed class SchemaQuery : IQueryKind
{
    /// <summary>The detected changes (the default view).</summary>
    public const string DriftView = "drift";

    /// <summary>The field inventory.</summary>
    public const string FieldsView = "fields";

    private readonly SchemaStore _store;

    /// <summary>Creates the query.</summary>
    public SchemaQuery(SchemaStore store) => _store = store;

    /// <inheritdoc />
    public string Name => QueryKinds.Schema;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Category;

    /// <summary>The views (the first is the default), also without an instance: <see cref="QueryKinds.Views"/>.</summary>
    public static IReadOnlyList<string> AllViews { get; } = [DriftView, FieldsView];

    /// <inheritdoc />
    public IReadOnlyList<string> Views => AllViews;

    /// <inheritdoc />
    public Type? RowType(string? view) => view == FieldsView ? typeof(SchemaFieldRow) : typeof(SchemaDriftRow);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var schemas = (await _store.LoadAllAsync(parameters.Category, cancellationToken)).ToDictionary(s => s.Category, StringComparer.Ordinal);
        if (parameters.View == FieldsView)
        {
            return [.. schemas.Values.SelectMany(s => Fields(s, parameters))];
        }

        var drift = await _store.DriftAsync(parameters.Category, cancellationToken);
        return
        [
            .. drift.Select(e => ToRow(e, schemas.GetValueOrDefault(e.Category)))
                .Where(r => InRange(r.FirstSeen, parameters) || InRange(r.DetectedAt, parameters))
                .OrderBy(r => r.FirstSeen)
                .ThenBy(r => r.Category, StringComparer.Ordinal)
                .ThenBy(r => r.Field, StringComparer.Ordinal)
                .ThenBy(r => r.Change, StringComparer.Ordinal),
        ];
    }

    private static IEnumerable<SchemaFieldRow> Fields(CategorySchema schema, QueryParameters parameters)
    {
        var records = schema.Records;
        foreach (var field in schema.Fields.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var first = field.ByPartition.Values.Select(c => c.First).Min();
            var last = field.ByPartition.Values.Select(c => c.Last).Max();
            if (first is null || last is null || first >= parameters.To || last < parameters.From)
            {
                continue;
            }

            var counts = KindCounts(field);
            yield return new SchemaFieldRow
            {
                Category = schema.Category,
                Field = field.Path,
                Kinds = ValueKindRules.Format(field.Kinds),
                KindCounts = counts is null ? null : ValueKindRules.CountsByName(counts),
                Count = field.Count,
                CategoryRecords = records,
                FirstSeen = first,
                LastSeen = last,
            };
        }
    }

    private static SchemaDriftRow ToRow(DriftEntry entry, CategorySchema? schema)
    {
        var field = entry.Field is not null && schema is not null ? schema.Fields.GetValueOrDefault(entry.Field) : null;
        long? affected = entry.Change switch
        {
            DriftChange.NewCategory => schema?.Records,
            DriftChange.NewField => field?.Count,
            DriftChange.FieldDisappeared when field is not null => Math.Max(0, schema!.Records - field.Count),
            DriftChange.KindChanged when field is not null && KindCounts(field) is { } counts => ValueKindRules.CountOf(counts, ValueKindRules.Parse(entry.NewKinds)),
            _ => null,
        };
        return new SchemaDriftRow
        {
            Category = entry.Category,
            Field = entry.Field,
            Change = entry.Change,
            OldKinds = entry.OldKinds,
            NewKinds = entry.NewKinds,
            FirstSeen = entry.EventTime ?? entry.DetectedAt,
            DetectedAt = entry.DetectedAt,
            RecordsAffected = affected,
            Detail = entry.Detail,
            ExampleRecordId = entry.ExampleRecordId,
            Source = entry.Source,
        };
    }

    /// <summary>The per-kind counts summed over the source partitions; null when no partition counted them.</summary>
    private static long[]? KindCounts(FieldSchema field)
    {
        long[]? total = null;
        foreach (var counts in field.ByPartition.Values.Select(c => c.KindCounts).OfType<long[]>())
        {
            total ??= new long[ValueKindRules.KindCount];
            for (var i = 0; i < total.Length && i < counts.Length; i++)
            {
                total[i] += counts[i];
            }
        }

        return total;
    }

    private static bool InRange(DateTimeOffset time, QueryParameters parameters) => time >= parameters.From && time < parameters.To;
}
