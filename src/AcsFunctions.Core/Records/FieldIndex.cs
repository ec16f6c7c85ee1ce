using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// The members of a record's top level and of its <c>properties</c>, with a case-folded hash of each name, built in
/// one pass: handlers read 10–40 fields per record, most of them from properties, so a read no longer scans the top
/// level twice first (a struct held by the record: no allocation of its own). Lookups give the same result as <see cref="DiagnosticRecord.TryGetProperty"/> on each object:
/// the last property whose name matches exactly, else the first that matches ignoring case. Pooled: dispose it.
/// </summary>
internal struct FieldIndex : IDisposable
{
    private const int UnknownHash = -1;
    private IndexEntry[]? _entries;
    private readonly int _count;

    /// <summary>Indexes <paramref name="root"/> and, when given, <paramref name="properties"/>.</summary>
    public FieldIndex(JsonElement root, JsonElement? properties)
    {
        var count = 0;
        foreach (var _ in root.EnumerateObject())
        {
            count++;
        }

        if (properties is { } counted)
        {
            foreach (var _ in counted.EnumerateObject())
            {
                count++;
            }
        }

        var entries = ArrayPool<IndexEntry>.Shared.Rent(Math.Max(count, 1));
        foreach (var property in root.EnumerateObject())
        {
            entries[_count++] = new IndexEntry(property, FoldedHash(JsonMarshal.GetRawUtf8PropertyName(property)), Nested: false);
        }

        if (properties is { } props)
        {
            foreach (var property in props.EnumerateObject())
            {
                entries[_count++] = new IndexEntry(property, FoldedHash(JsonMarshal.GetRawUtf8PropertyName(property)), Nested: true);
            }
        }

        _entries = entries;
    }

    /// <summary>
    /// Finds <paramref name="name"/> at both levels in one pass over the members: the index of the top-level match in
    /// <paramref name="top"/> and of the match in properties in <paramref name="nested"/> (-1 when none).
    /// </summary>
    public readonly void Find(string name, out int top, out int nested)
    {
        var hash = FoldedHash(name);
        int topExact = -1, topIgnoringCase = -1, nestedExact = -1, nestedIgnoringCase = -1;
        var entries = _entries!;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref entries[i];
            if (entry.Hash != hash && entry.Hash != UnknownHash && hash != UnknownHash)
            {
                continue;
            }

            // Both plain ASCII (a known hash): compare the raw UTF-8 name with the characters, no transcoding.
            bool exact, ignoringCase;
            if (hash != UnknownHash && entry.Hash != UnknownHash)
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(entry.Property);
                exact = raw.Length == name.Length && Ascii.Equals(raw, name);
                ignoringCase = !exact && raw.Length == name.Length && Ascii.EqualsIgnoreCase(raw, name);
            }
            else
            {
                exact = entry.Property.NameEquals(name);
                ignoringCase = !exact && JsonNames.EqualsIgnoreCase(entry.Property, name);
            }

            if (entry.Nested)
            {
                nestedExact = exact ? i : nestedExact;
                nestedIgnoringCase = ignoringCase && nestedIgnoringCase < 0 ? i : nestedIgnoringCase;
            }
            else
            {
                topExact = exact ? i : topExact;
                topIgnoringCase = ignoringCase && topIgnoringCase < 0 ? i : topIgnoringCase;
            }
        }

        top = topExact >= 0 ? topExact : topIgnoringCase;
        nested = nestedExact >= 0 ? nestedExact : nestedIgnoringCase;
    }

    /// <summary>The value of the member at <paramref name="index"/> (from <see cref="Find"/>).</summary>
    public readonly JsonElement ValueAt(int index) => _entries![index].Property.Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_entries is { } entries)
        {
            _entries = null;
            Array.Clear(entries, 0, _count);
            ArrayPool<IndexEntry>.Shared.Return(entries);
        }
    }

    // FNV-1a over ASCII letters folded to lower case. A name with an escape or a non-ASCII character gets
    // UnknownHash and is always compared in full (its string comparison decides).
    private static int FoldedHash(ReadOnlySpan<byte> utf8)
    {
        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            if (b is (byte)'\\' or >= 0x80)
            {
                return UnknownHash;
            }

            hash = (hash ^ (uint)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b)) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private static int FoldedHash(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            if (c >= 0x80 || c == '\\')
            {
                return UnknownHash;
            }

            hash = (hash ^ (uint)(c is >= 'A' and <= 'Z' ? c | 0x20 : c)) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private readonly record struct IndexEntry(JsonProperty Property, int Hash, bool Nested);
}
