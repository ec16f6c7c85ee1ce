using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// The members of a record's top level and of its <c>properties</c>, with a case-folded hash of each name, built in
/// one pass and kept in a small open-addressing table: handlers read 10–40 fields per record, most of them from
/// properties, so a read compares only the members whose name hashes alike instead of scanning every member (a struct
/// held by the record: no allocation of its own). Lookups give the same result as
/// <see cref="DiagnosticRecord.TryGetProperty"/> on each object: the last property whose name matches exactly, else the
/// first that matches ignoring case. Pooled: dispose it.
/// </summary>
internal struct FieldIndex : IDisposable
{
    private const int UnknownHash = -1;
    private IndexEntry[]? _entries;
    private int[]? _buckets;
    private readonly int _count;
    private readonly int _mask;
    private readonly bool _anyUnknown;

    /// <summary>Indexes <paramref name="root"/> and, when given, <paramref name="properties"/>.</summary>
    public FieldIndex(JsonElement root, JsonElement? properties)
    {
        var count = root.GetPropertyCount() + (properties?.GetPropertyCount() ?? 0);
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

        // Buckets hold entry index + 1 (0 = empty), at least twice as many as members, probed linearly. A name with an
        // escape or a non-ASCII character has no hash: it is not in the table and is compared on every lookup.
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, count * 2));
        var buckets = ArrayPool<int>.Shared.Rent(size);
        Array.Clear(buckets, 0, size);
        _mask = size - 1;
        for (var i = 0; i < _count; i++)
        {
            var hash = entries[i].Hash;
            if (hash == UnknownHash)
            {
                _anyUnknown = true;
                continue;
            }

            var slot = hash & _mask;
            while (buckets[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            buckets[slot] = i + 1;
        }

        _entries = entries;
        _buckets = buckets;
    }

    /// <summary>
    /// Finds <paramref name="name"/> at both levels: the index of the top-level match in <paramref name="top"/> and of
    /// the match in properties in <paramref name="nested"/> (-1 when none).
    /// </summary>
    public readonly void Find(string name, out int top, out int nested)
    {
        var hash = FoldedHash(name);
        var match = new Match(name, hash);
        var entries = _entries!;
        if (hash == UnknownHash)
        {
            // A name with a non-ASCII character: every member may match it ignoring case.
            for (var i = 0; i < _count; i++)
            {
                match.Consider(entries, i);
            }
        }
        else
        {
            var buckets = _buckets!;
            for (var slot = hash & _mask; buckets[slot] != 0; slot = (slot + 1) & _mask)
            {
                if (entries[buckets[slot] - 1].Hash == hash)
                {
                    match.Consider(entries, buckets[slot] - 1);
                }
            }

            for (var i = 0; _anyUnknown && i < _count; i++)
            {
                if (entries[i].Hash == UnknownHash)
                {
                    match.Consider(entries, i);
                }
            }
        }

        top = match.TopExact >= 0 ? match.TopExact : match.TopIgnoringCase;
        nested = match.NestedExact >= 0 ? match.NestedExact : match.NestedIgnoringCase;
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

        if (_buckets is { } buckets)
        {
            _buckets = null;
            ArrayPool<int>.Shared.Return(buckets);
        }
    }

    // A hash of the name with every byte's case bit set (letters folded to lower case; other bytes change too, the
    // same way for names equal ignoring case), mixed 8 bytes at a time. A name with an escape or a non-ASCII character
    // gets UnknownHash and is always compared in full (its string comparison decides).
    private static int FoldedHash(ReadOnlySpan<byte> utf8)
    {
        const ulong High = 0x8080808080808080UL, Ones = 0x0101010101010101UL, Backslashes = 0x5C5C5C5C5C5C5C5CUL;
        const ulong Case = 0x2020202020202020UL, Mix = 0x9E3779B97F4A7C15UL;
        var hash = (ulong)utf8.Length * Mix;
        var flags = 0UL;
        for (var i = 0; i < utf8.Length; i += 8)
        {
            ulong word;
            if (i + 8 <= utf8.Length)
            {
                word = BinaryPrimitives.ReadUInt64LittleEndian(utf8[i..]);
            }
            else if (utf8.Length >= 8)
            {
                word = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]); // the last 8 bytes, overlapping the previous word
            }
            else
            {
                word = 0;
                for (var j = utf8.Length - 1; j >= i; j--)
                {
                    word = (word << 8) | utf8[j];
                }
            }

            var backslash = word ^ Backslashes;
            flags |= word | ((backslash - Ones) & ~backslash); // a byte >= 0x80, or a byte equal to '\\'
            hash = (hash ^ (word | Case)) * Mix;
        }

        return (flags & High) != 0 ? UnknownHash : (int)((hash ^ (hash >> 29)) & 0x7FFFFFFF);
    }

    private static int FoldedHash(string name)
    {
        Span<byte> ascii = stackalloc byte[JsonNames.StackLimit];
        return name.Length <= ascii.Length && Ascii.FromUtf16(name, ascii, out var written) == OperationStatus.Done
            ? FoldedHash(ascii[..written])
            : UnknownHash;
    }

    private readonly record struct IndexEntry(JsonProperty Property, int Hash, bool Nested);

    // The candidates of one lookup at each level: the last exact match and the first match ignoring case, by member
    // order (the order candidates are visited in does not matter).
    private struct Match(string name, int hash)
    {
        public int TopExact = -1;
        public int TopIgnoringCase = -1;
        public int NestedExact = -1;
        public int NestedIgnoringCase = -1;

        public void Consider(IndexEntry[] entries, int i)
        {
            ref readonly var entry = ref entries[i];
            bool exact, ignoringCase;
            if (hash != UnknownHash && entry.Hash != UnknownHash)
            {
                // Both plain ASCII: compare the raw UTF-8 name with the characters, no transcoding.
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
                NestedExact = exact ? Math.Max(NestedExact, i) : NestedExact;
                NestedIgnoringCase = ignoringCase && (NestedIgnoringCase < 0 || i < NestedIgnoringCase) ? i : NestedIgnoringCase;
            }
            else
            {
                TopExact = exact ? Math.Max(TopExact, i) : TopExact;
                TopIgnoringCase = ignoringCase && (TopIgnoringCase < 0 || i < TopIgnoringCase) ? i : TopIgnoringCase;
            }
        }
    }
}
