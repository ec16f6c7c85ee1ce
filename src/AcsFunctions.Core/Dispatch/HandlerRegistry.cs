using System.Collections.Frozen;

namespace AcsFunctions.Dispatch;

/// <summary>
/// Category → handler lookup, built once at start-up. A category claimed by two handlers fails construction,
/// naming both. Unknown categories go to the fallback (unclassified) handler: never dropped.
/// </summary>
public sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IRecordHandler> _handlers;

    /// <summary>Builds the registry.</summary>
    /// <param name="handlers">The schema handlers.</param>
    /// <param name="fallback">The handler for categories no schema handler owns.</param>
    public HandlerRegistry(IEnumerable<IRecordHandler> handlers, IFallbackRecordHandler fallback)
    {
        var map = new Dictionary<string, IRecordHandler>(StringComparer.OrdinalIgnoreCase);
        foreach (var handler in handlers)
        {
            foreach (var category in handler.Categories)
            {
                var canonical = Categories.Canonicalize(category);
                if (!map.TryAdd(canonical, handler))
                {
                    throw new InvalidOperationException(
                        $"Category '{canonical}' is claimed by both {map[canonical].GetType().Name} and {handler.GetType().Name}.");
                }
            }
        }

        _handlers = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Fallback = fallback;
    }

    /// <summary>The handler for unknown categories.</summary>
    public IFallbackRecordHandler Fallback { get; }

    /// <summary>The categories with a schema handler.</summary>
    public IEnumerable<string> KnownCategories => _handlers.Keys;

    /// <summary>The handler for a canonical category (the fallback when none owns it).</summary>
    public IRecordHandler Resolve(string canonicalCategory) =>
        _handlers.TryGetValue(canonicalCategory, out var handler) ? handler : Fallback;
}

/// <summary>Marker for the handler that stores records of unknown categories raw.</summary>
public interface IFallbackRecordHandler : IRecordHandler
{
}
