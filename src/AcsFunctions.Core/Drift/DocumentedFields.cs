using System.Collections.Frozen;

namespace AcsFunctions.Drift;

/// <summary>The fields the data contract documents for one category (declared by its schema folder).</summary>
/// <param name="Category">The canonical category.</param>
/// <param name="Fields">Field names (wire or Log Analytics spelling; matched case-insensitively, at the top level or inside <c>properties</c>).</param>
public sealed record DocumentedCategory(string Category, IReadOnlyCollection<string> Fields);

/// <summary>
/// What drift compares against besides the signature seen so far: the documented fields of each category. A
/// documented (optional) field seen for the first time is information, not drift; a field nobody documents is drift.
/// </summary>
public sealed class DocumentedFields
{
    /// <summary>The common top-level fields of every record (resource-log schema; acs-data-contract §2.1), documented for every category.</summary>
    public static IReadOnlyList<string> Envelope { get; } =
    [
        "time", "resourceId", "operationName", "operationVersion", "category", "resultType", "resultSignature",
        "resultDescription", "durationMs", "callerIpAddress", "correlationId", "identity", "level", "location", "properties",
    ];

    private readonly FrozenDictionary<string, FrozenSet<string>> _byCategory;

    /// <summary>Creates the catalog.</summary>
    public DocumentedFields(IEnumerable<DocumentedCategory> categories)
    {
        var map = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in categories)
        {
            if (!map.TryGetValue(category.Category, out var fields))
            {
                map[category.Category] = fields = new HashSet<string>(Envelope, StringComparer.OrdinalIgnoreCase);
            }

            fields.UnionWith(category.Fields);
        }

        _byCategory = map.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="path"/> (a drift field path, <c>Name</c> or <c>properties.Name</c>) is documented for <paramref name="category"/>.</summary>
    public bool IsDocumented(string category, string path)
    {
        if (!_byCategory.TryGetValue(category, out var fields))
        {
            return false;
        }

        var name = path.StartsWith(CategoryObservation.PropertiesPrefix, StringComparison.OrdinalIgnoreCase)
            ? path[CategoryObservation.PropertiesPrefix.Length..]
            : path;
        return fields.Contains(name);
    }
}
