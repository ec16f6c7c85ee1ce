using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Drift;

/// <summary>
/// A record's shape as drift sees it: its members (top level, then <c>properties</c>) in order, each with its name
/// and value kind. Records of one category mostly share a handful of shapes, so what drift would work out per member
/// of every record (decode the name, find its field case-insensitively) is worked out once per shape.
/// </summary>
internal sealed class RecordShape(RecordShape.Entry[] entries)
{
    /// <summary>The members drift counts (the top-level <c>properties</c> member itself is not one), in record order.</summary>
    public Entry[] Entries { get; } = entries;

    /// <summary>One member: its decoded name, whether it is a child of <c>properties</c>, its field path and its value's kind.</summary>
    internal readonly record struct Entry(string Name, bool InProperties, string Path, ValueKinds Kind);
}

/// <summary>
/// The shapes an observer has met (thread-safe, shared by every batch): a record's shape is found by its signature —
/// the raw UTF-8 names and value kinds of its members, compared byte for byte, never by hash alone — so the same
/// members in the same order with the same kinds are one shape and anything else is another. Bounded: emptied when it
/// holds <see cref="MaxShapes"/> shapes or <see cref="MaxHeldBytes"/> bytes of signatures (a shape is then worked out
/// again); a category that has shown more than <see cref="MaxShapesPerCategory"/> shapes (records whose names or kinds
/// keep changing) is counted member by member from then on, so it can neither fill the set for the others nor make a
/// shape per record.
/// </summary>
internal sealed class RecordShapes
{
    /// <summary>Shapes kept before the set is emptied.</summary>
    internal const int MaxShapes = 4096;

    /// <summary>A record whose signature is longer than this is counted member by member.</summary>
    internal const int MaxSignatureBytes = 16 * 1024;

    /// <summary>Signature bytes held (all shapes together) before the set is emptied.</summary>
    internal const int MaxHeldBytes = 2 * 1024 * 1024;

    /// <summary>Shapes a category may make before its records are counted member by member.</summary>
    internal const int MaxShapesPerCategory = 256;

    /// <summary>Categories whose shape counts are kept before those counts are started again.</summary>
    private const int MaxCategories = 1024;

    private const byte TopLevel = (byte)'T';
    private const byte PropertiesLevel = (byte)'P';

    [ThreadStatic]
    private static byte[]? t_signature;

    private readonly ConcurrentDictionary<byte[], RecordShape> _shapes = new(SignatureComparer.Instance);
    private readonly ConcurrentDictionary<string, StrongBox<int>> _made = new(StringComparer.Ordinal);
    private readonly int _maxHeldBytes;
    private readonly int _maxPerCategory;
    private int _count; // ConcurrentDictionary.Count takes every lock
    private long _heldBytes;

    /// <summary>Creates the set with the default bounds.</summary>
    public RecordShapes()
        : this(MaxHeldBytes, MaxShapesPerCategory)
    {
    }

    /// <summary>Creates the set with the given bounds (tests).</summary>
    internal RecordShapes(int maxHeldBytes, int maxShapesPerCategory)
    {
        _maxHeldBytes = maxHeldBytes;
        _maxPerCategory = maxShapesPerCategory;
    }

    /// <summary>Signature bytes held now (all shapes).</summary>
    internal long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>
    /// The shape of <paramref name="record"/>, or null when the record must be counted member by member (a signature
    /// too long, a name that cannot be decoded — that way reports its failure as before —, or a category with too many
    /// shapes).
    /// </summary>
    public RecordShape? Of(string category, DiagnosticRecord record)
    {
        var made = _made.GetValueOrDefault(category);
        if (made is not null && Volatile.Read(ref made.Value) > _maxPerCategory)
        {
            return null;
        }

        var buffer = t_signature ??= new byte[MaxSignatureBytes];
        var length = 0;
        if (record.Root.ValueKind == JsonValueKind.Object && !Append(buffer, ref length, record.Root, TopLevel))
        {
            return null;
        }

        if (record.Properties is { ValueKind: JsonValueKind.Object } properties && !Append(buffer, ref length, properties, PropertiesLevel))
        {
            return null;
        }

        var signature = buffer.AsSpan(0, length);
        var lookup = _shapes.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(signature, out var shape))
        {
            return shape;
        }

        try
        {
            shape = Create(record);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }

        if (made is null)
        {
            if (_made.Count >= MaxCategories)
            {
                _made.Clear();
            }

            made = _made.GetOrAdd(category, static _ => new StrongBox<int>());
        }

        if (Interlocked.Increment(ref made.Value) > _maxPerCategory)
        {
            return null; // this one and every later record of the category: member by member
        }

        if (Interlocked.Increment(ref _count) > MaxShapes || Interlocked.Add(ref _heldBytes, signature.Length) > _maxHeldBytes)
        {
            _shapes.Clear();
            Volatile.Write(ref _count, 1);
            Interlocked.Exchange(ref _heldBytes, signature.Length);
        }

        return _shapes.GetOrAdd(signature.ToArray(), shape);
    }

    /// <summary>Appends each member of <paramref name="parent"/>: level, kind, name length, raw name (false when it does not fit).</summary>
    private static bool Append(byte[] buffer, ref int length, JsonElement parent, byte level)
    {
        foreach (var member in parent.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(member);
            if (name.Length > ushort.MaxValue || length + 4 + name.Length > buffer.Length)
            {
                return false;
            }

            buffer[length] = level;
            buffer[length + 1] = (byte)ValueKindRules.Classify(member.Value);
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(length + 2), (ushort)name.Length);
            name.CopyTo(buffer.AsSpan(length + 4));
            length += 4 + name.Length;
        }

        return true;
    }

    /// <summary>What <see cref="CategoryObservation"/> counts of each member, worked out as it would per record.</summary>
    private static RecordShape Create(DiagnosticRecord record)
    {
        var entries = new List<RecordShape.Entry>();
        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        if (record.Root.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in record.Root.EnumerateObject())
            {
                // Names are matched case-insensitively (data contract): "Properties" is the properties member, not a new field.
                var name = JsonNames.Decode(member, buffer);
                if (!name.Equals("properties", StringComparison.OrdinalIgnoreCase))
                {
                    var text = name.ToString();
                    entries.Add(new RecordShape.Entry(text, false, text, ValueKindRules.Classify(member.Value)));
                }
            }
        }

        if (record.Properties is { ValueKind: JsonValueKind.Object } properties)
        {
            foreach (var member in properties.EnumerateObject())
            {
                var text = JsonNames.Decode(member, buffer).ToString();
                entries.Add(new RecordShape.Entry(text, true, CategoryObservation.PropertiesPrefix + text, ValueKindRules.Classify(member.Value)));
            }
        }

        return new RecordShape([.. entries]);
    }

    /// <summary>Signatures compared byte for byte; the hash mixes 8 bytes at a time.</summary>
    private sealed class SignatureComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly SignatureComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
            var words = MemoryMarshal.Cast<byte, ulong>(bytes);
            foreach (var word in words)
            {
                hash = (ulong.RotateLeft(hash ^ word, 29) * 0xBF58476D1CE4E5B9UL) + 0x94D049BB133111EBUL;
            }

            foreach (var b in bytes[(words.Length * 8)..])
            {
                hash = (hash ^ b) * 0x100000001B3UL;
            }

            return (int)(hash ^ (hash >> 32));
        }
    }
}
