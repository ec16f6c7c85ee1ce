using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Queries;
using AcsFunctions.Records;
using AcsFunctions.Schemas;
using AcsFunctions.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Schemas.Conformance;

/// <summary>
/// What every registered category module must satisfy, checked without storage: its sample decodes into records of
/// each of its categories, its handler accepts them and adds the declared enriched columns, its categories are
/// privacy-declared (and its rules name documented fields), and every key it makes (record rows and aggregate rows)
/// is within the Table service limits.
/// </summary>
public static class CategoryConformance
{
    private const string HashKey = "conformance-key-0123456789abcdef";

    /// <summary>The problems found (empty when the module conforms), each naming the module and category.</summary>
    public static List<string> Check(CategoryModule module, IReadOnlyList<CategoryModule> registered)
    {
        var problems = new List<string>();
        var name = module.GetType().Name;
        var policy = new PrivacyPolicy(Options.Create(new PrivacyOptions { HashKey = HashKey }), CategoryModuleRegistration.PersonalFields(registered));
        var sanitizer = new PolicySanitizer(policy);
        var categories = module.Categories.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (!categories.SetEquals(module.Handler.Categories))
        {
            problems.Add($"{name}: the handler claims [{string.Join(", ", module.Handler.Categories)}], the module declares [{string.Join(", ", categories)}]");
        }

        var columns = categories.ToDictionary(c => c, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        var entities = categories.ToDictionary(c => c, _ => new List<TableEntity>(), StringComparer.Ordinal);
        foreach (var body in Samples(module))
        {
            using var decoded = BodyDecoder.Decode(body);
            foreach (var item in decoded.Items)
            {
                if (item.DeadLetter is { } dead)
                {
                    problems.Add($"{name}: the sample does not decode: {dead.Reason} {dead.Detail}");
                    continue;
                }

                var category = Categories.OfRecord(item.Record) is { Length: > 0 } c ? c : Categories.PlatformMetric;
                if (!categories.Contains(category))
                {
                    continue; // a shared sample file: another module's record
                }

                using var sanitized = sanitizer.Sanitize(Categories.OfRecord(item.Record), item.Record);
                using var record = new DiagnosticRecord(sanitized.Element);
                var context = new RecordContext
                {
                    Record = record,
                    Category = category,
                    RawCategory = category,
                    Time = record.GetDateTime("time", "timeStamp", "TimeGenerated").OrNull() ?? DateTimeOffset.UnixEpoch,
                    Resource = ResourceRef.Parse(record.GetString("resourceId").OrNull()),
                    Lineage = item.Lineage,
                    RecordId = RecordId.Compute(sanitized.Utf8Span),
                    CorrelationId = record.GetString("correlationId", "correlationIdentifier").OrNull(),
                    OperationName = record.GetString("operationName").OrNull(),
                };
                var outcome = module.Handler.Handle(context);
                if (outcome.Record is not { } enriched)
                {
                    problems.Add($"{name}/{category}: the handler rejected a sample record: {outcome.DeadLetterReason} {outcome.DeadLetterDetail}");
                    continue;
                }

                CheckKeys(problems, $"{name}/{category} record", context, enriched);
                var entity = new TableEntity(RecordEntities.WindowPartitionKey(context.Time, context.Resource.Key, category), context.RecordId)
                {
                    ["Category"] = category,
                    ["ResourceKey"] = context.Resource.Key,
                    ["ResourceId"] = context.Resource.Id,
                    ["ResourceName"] = context.Resource.Name,
                };
                foreach (var (column, value) in enriched.Columns)
                {
                    columns[category].Add(column);
                    entity[column] = value;
                    if (!EntityLimits.IsValidColumnName(column))
                    {
                        problems.Add($"{name}/{category}: column name '{column}' is not a valid Table property name");
                    }
                }

                entities[category].Add(entity);
            }
        }

        foreach (var spec in module.Categories)
        {
            if (entities[spec.Name].Count == 0)
            {
                problems.Add($"{name}/{spec.Name}: the sample has no record of the category");
                continue;
            }

            foreach (var column in spec.EnrichedColumns.Where(c => !columns[spec.Name].Contains(c)))
            {
                problems.Add($"{name}/{spec.Name}: declared enriched column '{column}' is missing from every sample record");
            }

            if (policy.For(spec.Name).ScrubUnlisted)
            {
                problems.Add($"{name}/{spec.Name}: not privacy-declared (would get the unknown-category scrub)");
            }

            var documented = spec.DocumentedFields.Concat(AcsFunctions.Drift.DocumentedFields.Envelope).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var field in spec.PersonalFields.Keys.Where(f => !documented.Contains(f)))
            {
                problems.Add($"{name}/{spec.Name}: personal-field rule '{field}' names a field the category does not document");
            }

            if (spec.DocumentedFields.Count == 0)
            {
                problems.Add($"{name}/{spec.Name}: documents no fields");
            }

            CheckAggregates(problems, module, spec.Name, entities[spec.Name]);
        }

        foreach (var column in module.SummaryColumns.Where(c => !columns.Values.Any(set => set.Contains(c))))
        {
            problems.Add($"{name}: summary column '{column}' is not produced for any sample record");
        }

        foreach (var kind in module.QueryKinds.Where(k => !typeof(IQueryKind).IsAssignableFrom(k)))
        {
            problems.Add($"{name}: query kind {kind.Name} is not an IQueryKind");
        }

        return problems;
    }

    /// <summary>The module's sample bodies: its files of <c>samples/</c> and its inline sample.</summary>
    public static List<EventBody> Samples(CategoryModule module)
    {
        List<EventBody> bodies = [.. module.SampleFiles.Select(Infrastructure.Samples.Body)];
        if (module.SampleJson is { } json)
        {
            bodies.Add(new EventBody(Encoding.UTF8.GetBytes(json), new Lineage { File = module.GetType().Name }));
        }

        return bodies;
    }

    private static void CheckKeys(List<string> problems, string what, RecordContext context, EnrichedRecord enriched)
    {
        var (pk, rk) = enriched.Placement == RecordPlacement.Call
            ? (RecordEntities.CallPartitionKey(context.Resource.Key, context.CorrelationId ?? string.Empty), enriched.CallRowKey ?? context.RecordId)
            : (RecordEntities.WindowPartitionKey(context.Time, context.Resource.Key, context.Category), context.RecordId);
        Key(problems, what + " PartitionKey", pk);
        Key(problems, what + " RowKey", rk);
    }

    private static void CheckAggregates(List<string> problems, CategoryModule module, string category, List<TableEntity> records)
    {
        foreach (var aggregator in module.Aggregators.Where(a => a.Handles(category)))
        {
            var resourceKey = records[0].GetString("ResourceKey")!;
            var window = AcsFunctions.Storage.Windows.MinuteOf(DateTimeOffset.UnixEpoch.AddYears(56));
            var prefix = aggregator.ScopePrefix(resourceKey, category);
            var rows = aggregator.Aggregate(window, resourceKey, category, records);
            if (rows.Count == 0)
            {
                problems.Add($"{module.GetType().Name}/{category}: {aggregator.GetType().Name} made no row of the sample");
            }

            foreach (var row in rows)
            {
                Key(problems, $"{category} {aggregator.Table} PartitionKey", row.PartitionKey);
                Key(problems, $"{category} {aggregator.Table} RowKey", row.RowKey);
                if (!row.RowKey.StartsWith(prefix, StringComparison.Ordinal))
                {
                    problems.Add($"{category} {aggregator.Table}: RowKey '{row.RowKey}' is outside the scope prefix '{prefix}'");
                }
            }
        }

        if (!module.Aggregators.Any(a => a.Handles(category)) && module.Aggregators.Count > 0 && !module.Categories.Any(c => module.Aggregators.Any(a => a.Handles(c.Name))))
        {
            problems.Add($"{module.GetType().Name}: no aggregator handles any of its categories");
        }
    }

    private static void Key(List<string> problems, string what, string key)
    {
        if (!EntityLimits.IsValidKey(key, out var why))
        {
            problems.Add($"{what} {why}");
        }
    }
}
