using System.Security.Cryptography;
using System.Text;

namespace AcsFunctions.Records;

/// <summary>
/// An Azure resource id split into its parts. Ids are normalised to upper case with a leading <c>/</c>
/// (ACS emits them upper case, and the docs' samples even omit the slash).
/// </summary>
public sealed record ResourceRef(string Id, string? SubscriptionId, string? ResourceGroup, string? Provider, string Name)
{
    /// <summary>Used when a record carries no resource id.</summary>
    public static ResourceRef Unknown { get; } = new("/UNKNOWN", null, null, null, "UNKNOWN");

    /// <summary>
    /// A short, stable key for partition keys: the resource name plus a hash of the full id,
    /// so two resources with the same name in different subscriptions never share a partition.
    /// </summary>
    public string Key { get; } = MakeKey(Id, Name);

    // Records name a handful of resources over and over: each distinct id is parsed (and its key hashed) once.
    private static readonly BoundedCache<ResourceRef> _parsed = new(capacity: 1024);

    /// <summary>Parses a resource id leniently (missing parts stay null).</summary>
    public static ResourceRef Parse(string? resourceId)
    {
        if (string.IsNullOrWhiteSpace(resourceId))
        {
            return Unknown;
        }

        return _parsed.GetOrAdd(resourceId, 0, static (id, _) => ParseUncached(id));
    }

    private static ResourceRef ParseUncached(string resourceId)
    {

        var id = resourceId.Trim().ToUpperInvariant();
        if (!id.StartsWith('/'))
        {
            id = "/" + id;
        }

        id = id.TrimEnd('/');
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? subscription = null, group = null, provider = null;
        for (var i = 0; i + 1 < segments.Length; i++)
        {
            switch (segments[i])
            {
                case "SUBSCRIPTIONS" when subscription is null:
                    subscription = segments[i + 1];
                    break;
                case "RESOURCEGROUPS" when group is null:
                    group = segments[i + 1];
                    break;
                case "PROVIDERS" when provider is null:
                    provider = segments[i + 1];
                    break;
            }
        }

        var name = segments.Length > 0 ? segments[^1] : "UNKNOWN";
        return new ResourceRef(id, subscription, group, provider, name);
    }

    private static string MakeKey(string id, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return $"{name}~{Convert.ToHexStringLower(hash[..4])}";
    }
}
