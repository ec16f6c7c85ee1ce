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

    [ThreadStatic]
    private static RecentRaw? t_recent;

    /// <summary>Parses a resource id leniently (missing parts stay null).</summary>
    public static ResourceRef Parse(string? resourceId)
    {
        if (string.IsNullOrWhiteSpace(resourceId))
        {
            return Unknown;
        }

        return _parsed.GetOrAdd(resourceId, 0, static (id, _) => ParseUncached(id));
    }

    /// <summary>
    /// The resource named by a JSON value given as its raw UTF-8 text (<paramref name="rawJson"/>, quotes and escapes
    /// included): <see cref="Parse"/> of the string <paramref name="read"/> makes of that value, remembered per thread
    /// for the last few raw values. Records name the same few resources, with ids of ~150 characters: a value seen
    /// again is matched by its bytes instead of being read into a string and looked up again.
    /// </summary>
    internal static ResourceRef ParseRaw<TState>(ReadOnlySpan<byte> rawJson, TState state, Func<TState, string?> read)
    {
        var recent = t_recent ??= new RecentRaw();
        for (var i = 0; i < RecentRaw.Size; i++)
        {
            if (recent.Raw[i] is { } raw && raw.AsSpan().SequenceEqual(rawJson))
            {
                return recent.Parsed[i]!;
            }
        }

        var parsed = Parse(read(state));
        if (rawJson.Length <= 1024)
        {
            recent.Raw[recent.Next] = rawJson.ToArray();
            recent.Parsed[recent.Next] = parsed;
            recent.Next = (recent.Next + 1) % RecentRaw.Size;
        }

        return parsed;
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

    /// <summary>The last few raw resource-id values one thread read, with their parsed resource (round robin).</summary>
    private sealed class RecentRaw
    {
        public const int Size = 8;

        public byte[]?[] Raw { get; } = new byte[]?[Size];

        public ResourceRef?[] Parsed { get; } = new ResourceRef?[Size];

        public int Next { get; set; }
    }

    private static string MakeKey(string id, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return $"{name}~{Convert.ToHexStringLower(hash[..4])}";
    }
}
