using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AcsFunctions.Hosting;
using AcsFunctions.Queries;
using AcsFunctions.Schemas.Calls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// Checks a workbook document against the HTTP API as the core defines it: routes are the kinds registered with
/// <see cref="QueryService"/> (every <see cref="QueryKinds"/> constant plus extension kinds such as reconciliation), parameters through the real <see cref="QueryService.Parse"/>,
/// JSONPath columns against the JSON property names of each kind's row type. Returns every problem found.
/// </summary>
internal static partial class WorkbookContract
{
    /// <summary>Item types of Notebook/1.0: markdown, query, parameters, metric, links, group.</summary>
    public static readonly IReadOnlySet<int> KnownItemTypes = new HashSet<int> { 1, 3, 9, 10, 11, 12 };

    /// <summary>The kinds the core declares (the constants of <see cref="QueryKinds"/>), by constant name.</summary>
    public static IReadOnlyDictionary<string, string> DeclaredKinds { get; } =
        typeof(QueryKinds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    private static readonly Lazy<ServiceProvider> _services = new(CreateServices);

    /// <summary>The query service the API hosts use (registered the same way), over a storage it never touches.</summary>
    public static QueryService Queries => _services.Value.GetRequiredService<QueryService>();

    /// <summary>
    /// The row type a served kind's JSON array holds: next to the kind's <see cref="IQueryKind"/> implementation
    /// <c>{X}Query</c>, the record <c>{X}Row</c> or its singular (<c>ApiRequestsQuery</c> → <c>ApiRequestRow</c>); for a
    /// kind with views, <c>{X}{View}Row</c> with <c>{X}</c> and <c>{View}</c> each plural or singular (<c>SchemaQuery</c>,
    /// view <c>fields</c> → <c>SchemaFieldRow</c>; <c>ApiRequestsQuery</c>, view <c>operations</c> → <c>ApiRequestOperationRow</c>),
    /// and for the default (first) view also the kind's plain row (<c>api-requests</c>, view <c>detail</c> → <c>ApiRequestRow</c>).
    /// </summary>
    public static Type RowType(string kind, string? view = null)
    {
        var handler = _services.Value.GetServices<IQueryKind>().Single(k => k.Name == kind);
        var implementation = handler.GetType();
        var stem = implementation.Name.EndsWith("Query", StringComparison.Ordinal) ? implementation.Name[..^"Query".Length] : implementation.Name;
        var stems = new[] { stem, stem.TrimEnd('s') }.Distinct().ToList();
        var candidates = new List<string>();
        if (view is not null)
        {
            var viewStem = string.Concat(view.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
            var singular = viewStem.EndsWith("sses", StringComparison.Ordinal) ? viewStem[..^2] : viewStem.TrimEnd('s');
            candidates.AddRange(stems.SelectMany(s => new[] { s + viewStem + "Row", s + singular + "Row" }));
        }

        var plain = stems.Select(s => s + "Row").ToList();
        var types = implementation.Assembly.GetTypes()
            .Where(t => t.Namespace == implementation.Namespace && candidates.Distinct().Contains(t.Name))
            .ToList();
        if (types.Count == 0 && (view is null || view == handler.Views[0]))
        {
            candidates.AddRange(plain);
            types = [.. implementation.Assembly.GetTypes().Where(t => t.Namespace == implementation.Namespace && plain.Contains(t.Name))];
        }

        return types.Count == 1
            ? types[0]
            : throw new InvalidOperationException($"kind '{kind}' ({implementation.Name}) has no single row type named {string.Join(" or ", candidates.Distinct())} in {implementation.Namespace}");
    }

    /// <summary>The top-level JSON field names of a row type, as <see cref="QueryJson.Options"/> writes them.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> JsonFields(Type rowType) =>
        rowType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null)
            .ToDictionary(
                p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? QueryJson.Options.PropertyNamingPolicy!.ConvertName(p.Name),
                p => p,
                StringComparer.Ordinal);

    /// <summary>The keys a dictionary-valued row property can hold (its values come from core constants).</summary>
    public static IReadOnlySet<string>? DictionaryKeys(PropertyInfo property) => property.Name switch
    {
        nameof(CallQualityRow.PoorReasons) => Constants(typeof(QualityThresholds)),
        nameof(CallRow.EndpointsByType) => Constants(typeof(EndpointTypes)),
        _ => null,
    };

    /// <summary>Every problem of <paramref name="workbook"/>; empty when it is a valid document calling only served routes and fields.</summary>
    public static IReadOnlyList<string> Check(JsonNode workbook)
    {
        var problems = new List<string>();
        if ((string?)workbook["version"] != "Notebook/1.0")
        {
            problems.Add($"version is '{workbook["version"]}', expected Notebook/1.0");
        }

        if (workbook["items"] is not JsonArray items || items.Count == 0)
        {
            problems.Add("no items");
            return problems;
        }

        var parameters = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var p in Items(workbook).Where(i => (int?)i["type"] == 9).SelectMany(i => i["content"]?["parameters"]?.AsArray() ?? []))
        {
            parameters[(string?)p!["name"] ?? ""] = p;
        }

        CheckItems(items, parameters, new HashSet<string>(StringComparer.Ordinal), problems);
        return problems;
    }

    /// <summary>Every item of the workbook, those inside groups included (depth first, in document order).</summary>
    public static IEnumerable<JsonNode> Items(JsonNode workbook) => Flatten(workbook["items"] as JsonArray ?? []);

    private static IEnumerable<JsonNode> Flatten(JsonArray items)
    {
        foreach (var item in items.OfType<JsonNode>())
        {
            yield return item;
            if ((int?)item["type"] == 12 && item["content"]?["items"] is JsonArray inner)
            {
                foreach (var nested in Flatten(inner))
                {
                    yield return nested;
                }
            }
        }
    }

    private static void CheckItems(JsonArray items, Dictionary<string, JsonNode> parameters, HashSet<string> names, List<string> problems)
    {
        foreach (var item in items)
        {
            var type = (int?)item?["type"];
            var name = (string?)item?["name"];
            var where = $"item '{name}'";
            if (type is null || !KnownItemTypes.Contains(type.Value))
            {
                problems.Add($"{where}: unknown item type {item?["type"]}");
                continue;
            }

            if (string.IsNullOrEmpty(name) || !names.Add(name))
            {
                problems.Add($"{where}: missing or duplicate name");
            }

            if (item!["conditionalVisibility"] is { } visibility && !parameters.ContainsKey((string?)visibility["parameterName"] ?? ""))
            {
                problems.Add($"{where}: visible only by undeclared parameter '{visibility["parameterName"]}'");
            }

            var content = item["content"];
            switch (type)
            {
                case 1 when content is null || content["json"] is null:
                    problems.Add($"{where}: markdown item without content.json");
                    break;
                case 9 when content is null || (string?)content["version"] != "KqlParameterItem/1.0":
                    problems.Add($"{where}: parameters item version is not KqlParameterItem/1.0");
                    break;
                case 3:
                    CheckQuery(where, content, parameters, problems);
                    break;
                case 11:
                    CheckLinks(where, content, parameters, problems);
                    break;
                case 12 when content is null || (string?)content["version"] != "NotebookGroup/1.0" || content["items"] is not JsonArray:
                    problems.Add($"{where}: group is not a NotebookGroup/1.0 with items");
                    break;
                case 12:
                    CheckItems(content["items"]!.AsArray(), parameters, names, problems);
                    break;
            }
        }
    }

    /// <summary>Links (tabs): each one that sets a parameter sets a declared one.</summary>
    private static void CheckLinks(string where, JsonNode? content, Dictionary<string, JsonNode> parameters, List<string> problems)
    {
        if ((string?)content?["version"] != "LinkItem/1.0" || content["links"] is not JsonArray links || links.Count == 0)
        {
            problems.Add($"{where}: not a LinkItem/1.0 with links");
            return;
        }

        foreach (var link in links.Where(l => (string?)l?["linkTarget"] == "parameter"))
        {
            if (!parameters.ContainsKey((string?)link!["cellValue"] ?? ""))
            {
                problems.Add($"{where}: link '{link["linkLabel"]}' sets undeclared parameter '{link["cellValue"]}'");
            }
        }
    }

    private static void CheckQuery(string where, JsonNode? content, Dictionary<string, JsonNode> parameters, List<string> problems)
    {
        if ((string?)content?["version"] != "KqlItem/1.0" || (int?)content["queryType"] != 10)
        {
            problems.Add($"{where}: not a KqlItem/1.0 Custom endpoint query (queryType 10)");
            return;
        }

        JsonNode? query;
        try
        {
            query = JsonNode.Parse((string?)content["query"] ?? "");
        }
        catch (JsonException ex)
        {
            problems.Add($"{where}: query is not JSON ({ex.Message})");
            return;
        }

        if ((string?)query?["version"] != "CustomEndpoint/1.0" || (string?)query["method"] != "GET")
        {
            problems.Add($"{where}: query is not a CustomEndpoint/1.0 GET");
            return;
        }

        foreach (var reference in ParameterReference().Matches(content["query"]!.ToString()).Select(m => m.Groups[1].Value).Distinct())
        {
            if (!parameters.ContainsKey(reference))
            {
                problems.Add($"{where}: references undeclared parameter {{{reference}}}");
            }
        }

        // The function key travels as the x-functions-key header, never as a `code` query parameter: URLs end up in
        // web server logs, request telemetry and proxies; headers do not.
        var keyHeaders = (query["headers"]?.AsArray() ?? []).Where(h => string.Equals((string?)h?["key"], "x-functions-key", StringComparison.OrdinalIgnoreCase)).ToList();
        if (keyHeaders.Count != 1 || (string?)keyHeaders[0]!["value"] != "{ApiKey}")
        {
            problems.Add($"{where}: does not send the function key as one x-functions-key header with value {{ApiKey}}");
        }

        if ((query["urlParams"]?.AsArray() ?? []).Any(p => string.Equals((string?)p?["key"], "code", StringComparison.OrdinalIgnoreCase))
            || ((string?)query["url"] ?? "").Contains("code=", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{where}: puts a function key in the URL (code); send it as the x-functions-key header");
        }

        var url = Route().Match((string?)query["url"] ?? "");
        if (!url.Success)
        {
            problems.Add($"{where}: url '{query["url"]}' is not {{ApiBaseUrl}}/api/query/{{kind}}");
            return;
        }

        var kind = url.Groups["kind"].Value;
        if (!Queries.Kinds.Contains(kind))
        {
            problems.Add($"{where}: /api/query/{kind} is not a served route (kinds: {string.Join(", ", Queries.Kinds)})");
            return;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in query["urlParams"]?.AsArray() ?? [])
        {
            values[(string?)p!["key"] ?? ""] = SampleValue((string?)p["value"] ?? "");
        }

        string? view;
        try
        {
            view = Queries.Parse(kind, values).View;
        }
        catch (QueryParameterException ex)
        {
            problems.Add($"{where}: the API rejects its parameters for {kind}: {ex.Message}");
            return;
        }

        var fields = JsonFields(RowType(kind, view));
        var transformer = query["transformers"]?.AsArray().SingleOrDefault(t => (string?)t?["type"] == "jsonpath");
        if (transformer is null)
        {
            problems.Add($"{where}: no jsonpath transformer");
            return;
        }

        if ((string?)transformer["settings"]?["tablePath"] != "$")
        {
            problems.Add($"{where}: tablePath must be '$' (the API returns one JSON array of rows)");
        }

        var columnIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in transformer["settings"]?["columns"]?.AsArray() ?? [])
        {
            var path = (string?)column?["path"] ?? "";
            columnIds.Add((string?)column?["columnid"] ?? "");
            var m = ColumnPath().Match(path);
            if (!m.Success)
            {
                problems.Add($"{where}: column path '{path}' is not $.field or $.field['key']");
                continue;
            }

            if (!fields.TryGetValue(m.Groups["field"].Value, out var property))
            {
                problems.Add($"{where}: {kind} rows have no field '{m.Groups["field"].Value}' (fields: {string.Join(", ", fields.Keys)})");
                continue;
            }

            if (m.Groups["key"].Success)
            {
                var keys = DictionaryKeys(property);
                if (keys is null || !keys.Contains(m.Groups["key"].Value))
                {
                    problems.Add($"{where}: {kind} field '{m.Groups["field"].Value}' has no key '{m.Groups["key"].Value}'");
                }
            }
        }

        if (columnIds.Count == 0)
        {
            problems.Add($"{where}: reads no columns");
        }

        var chart = content["chartSettings"];
        var axes = new[] { (string?)chart?["xAxis"], (string?)chart?["group"] }
            .Concat(chart?["yAxis"]?.AsArray().Select(y => (string?)y) ?? [])
            .OfType<string>();
        foreach (var axis in axes.Where(a => !columnIds.Contains(a)))
        {
            problems.Add($"{where}: chart uses column '{axis}' the query does not read");
        }
    }

    /// <summary>A value the workbook would send for a parameter expression (time ranges, interval, resource name).</summary>
    private static string SampleValue(string expression) => ParameterReference().Replace(expression, m => m.Groups[0].Value switch
    {
        "{TimeRange:startISO}" => "2021-07-05T06:00:00.000Z",
        "{TimeRange:endISO}" => "2021-07-05T18:00:00.000Z",
        "{Interval}" => "PT5M",
        "{Resource:name}" => "acs-contoso",
        _ => "x",
    });

    private static HashSet<string> Constants(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    private static ServiceProvider CreateServices()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AcsFunctions:Storage:ConnectionString"] = "UseDevelopmentStorage=true" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2021, 7, 6, 0, 0, 0, TimeSpan.Zero)));
        services.AddAcsFunctionsCore(configuration);
        return services.BuildServiceProvider();
    }

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9_]*)(?::[A-Za-z]+)?\}")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\{ApiBaseUrl\}/api/query/(?<kind>[a-z][a-z-]*)$")]
    private static partial Regex Route();

    [GeneratedRegex(@"^\$\.(?<field>[A-Za-z][A-Za-z0-9]*)(?:\['(?<key>[^']+)'\])?$")]
    private static partial Regex ColumnPath();
}
