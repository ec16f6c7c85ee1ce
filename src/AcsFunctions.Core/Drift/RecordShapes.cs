using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Drift;

/// <summary>
/// A record's shape as drift sees it: its members (top level, then <c>properties</c>) in order, each with its name
/// and value kind. Records of one category mostly share a handful of shapes, so what drift would work out per member
/// of every record (decode the name, find its field case-insensitively) is worked out once per shape. A shape is its
/// member names (<see cref="Names"/>, shared by every shape with those names) plus the kind of each member's value.
/// </summary>
internal sealed class RecordShape
{
    private Entry[]? _entries;

    internal RecordShape(NameShape names, byte[] kinds)
    {
        Names = names;
        Kinds = kinds;
    }

    /// <summary>The member names this shape has (with the fields they are counted as).</summary>
    public NameShape Names { get; }

    /// <summary>The <see cref="ValueKinds"/> of every member (the top-level <c>properties</c> member too), in record order.</summary>
    public byte[] Kinds { get; }

    /// <summary>The members drift counts (the top-level <c>properties</c> member itself is not one), in record order.</summary>
    public Entry[] Entries => _entries ??= Array.ConvertAll(Names.Fields, f => new Entry(f.Name, f.InProperties, f.Path, KindOf(f)));

    /// <summary>The kind of <paramref name="field"/>'s value in records of this shape.</summary>
    public ValueKinds KindOf(in NameShape.Field field) => (ValueKinds)Kinds[field.Member];

    /// <summary>One member: its decoded name, whether it is a child of <c>properties</c>, its field path and its value's kind.</summary>
    internal readonly record struct Entry(string Name, bool InProperties, string Path, ValueKinds Kind);
}

/// <summary>
/// The member names of a record (top level, then <c>properties</c>, in order) as raw UTF-8, with the field each member
/// drift counts is counted as, and the kinds of values met with these names (each a <see cref="RecordShape"/>, found by
/// the kinds' bytes; at most <see cref="RecordShapes.MaxKindsPerNames"/> kept, then started again).
/// </summary>
internal sealed class NameShape
{
    private readonly ConcurrentDictionary<byte[], RecordShape> _kinds = new(ByteComparer.Instance);
    private readonly RecordShapes _owner;
    private int _count;
    private long _heldBytes;

    internal NameShape(RecordShapes owner, byte[] signature, Field[] fields, int members)
    {
        _owner = owner;
        Signature = signature;
        Fields = fields;
        Members = members;
    }

    /// <summary>Level, name length and raw name of every member, in record order (compared byte for byte).</summary>
    public byte[] Signature { get; }

    /// <summary>The members drift counts (the top-level <c>properties</c> member itself is not one), in record order.</summary>
    public Field[] Fields { get; }

    /// <summary>How many members records with these names have (the top-level <c>properties</c> member too).</summary>
    public int Members { get; }

    /// <summary>Which filling of the owner's set this name shape belongs to (one emptied since gives nothing back).</summary>
    internal int Generation { get; set; }

    /// <summary>The shape of these names with <paramref name="kinds"/> (one per member), made on first sight.</summary>
    internal RecordShape Of(ReadOnlySpan<byte> kinds) =>
        _kinds.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(kinds, out var shape) ? shape : Add(kinds, held: false);

    /// <summary>
    /// Adds the shape of these names with <paramref name="kinds"/>; its bytes are counted by the owner's bounds unless
    /// <paramref name="held"/> (counted with the name shape).
    /// </summary>
    internal RecordShape Add(ReadOnlySpan<byte> kinds, bool held)
    {
        if (Interlocked.Increment(ref _count) > RecordShapes.MaxKindsPerNames)
        {
            // Values whose kinds keep changing: start this name shape's kinds again rather than hold every combination.
            _kinds.Clear();
            _owner.Release(this, Interlocked.Exchange(ref _count, 1) - 1, Interlocked.Exchange(ref _heldBytes, 0));
        }

        Interlocked.Add(ref _heldBytes, kinds.Length);
        if (!held)
        {
            _owner.Hold(kinds.Length, 1);
        }

        var key = kinds.ToArray();
        return _kinds.GetOrAdd(key, new RecordShape(this, key));
    }

    /// <summary>
    /// One member drift counts: its decoded name, whether it is a child of <c>properties</c>, its field path and its
    /// position among all members (its kind's index in <see cref="RecordShape.Kinds"/>).
    /// </summary>
    internal readonly record struct Field(string Name, bool InProperties, string Path, int Member);
}

/// <summary>
/// The shapes an observer has met (thread-safe, shared by every batch, read lock-free): a record's shape is found by
/// its names — the raw UTF-8 names of its members, compared byte for byte, never by hash alone — and then by the kinds
/// of its values, one byte per member, compared likewise; so the same members in the same order with the same kinds
/// are one shape and anything else is another. A caller that keeps the shape of its previous record passes it as a
/// hint: a record with the same names and kinds is then known without a lookup. Bounded: emptied when it holds
/// <see cref="MaxShapes"/> name shapes and shapes or <see cref="MaxHeldBytes"/> bytes of signatures and kinds (a shape
/// is then worked out again); a category that has shown more than <see cref="MaxShapesPerCategory"/> different
/// member names (records whose names keep changing) is counted member by member from then on, so it can neither fill
/// the set for the others nor make a shape per record; one set of names whose kinds keep changing starts its kinds
/// again after <see cref="MaxKindsPerNames"/>.
/// </summary>
internal sealed class RecordShapes
{
    /// <summary>Name shapes and shapes kept before the set is emptied.</summary>
    internal const int MaxShapes = 16_384;

    /// <summary>A record whose signature is longer than this is counted member by member.</summary>
    internal const int MaxSignatureBytes = 16 * 1024;

    /// <summary>Signature and kind bytes held (all shapes together) before the set is emptied.</summary>
    internal const int MaxHeldBytes = 2 * 1024 * 1024;

    /// <summary>Different member names a category may show before its records are counted member by member.</summary>
    internal const int MaxShapesPerCategory = 256;

    /// <summary>Shapes (kinds) kept per set of member names before they are started again.</summary>
    internal const int MaxKindsPerNames = 1024;

    /// <summary>Categories whose shape counts are kept before those counts are started again.</summary>
    private const int MaxCategories = 1024;

    private const byte TopLevel = (byte)'T';
    private const byte PropertiesLevel = (byte)'P';

    // Per member at least a level byte and a name length: never more members than this in a signature.
    private const int MaxMembers = MaxSignatureBytes / 3;

    [ThreadStatic]
    private static byte[]? t_signature;

    [ThreadStatic]
    private static byte[]? t_kinds;

    private readonly ConcurrentDictionary<byte[], NameShape> _names = new(ByteComparer.Instance);
    private readonly ConcurrentDictionary<string, Category> _categories = new(StringComparer.Ordinal);
    private readonly int _maxHeldBytes;
    private readonly int _maxPerCategory;
    private int _count; // ConcurrentDictionary.Count takes every lock
    private long _heldBytes;
    private int _generation;

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

    /// <summary>Signature and kind bytes held now (all shapes).</summary>
    internal long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>
    /// Counts <paramref name="shapes"/> more shapes or name shapes holding <paramref name="bytes"/>, emptying the set
    /// first when that would pass a bound; gives the generation they belong to.
    /// </summary>
    internal int Hold(int bytes, int shapes)
    {
        if (Interlocked.Add(ref _count, shapes) > MaxShapes || Interlocked.Add(ref _heldBytes, bytes) > _maxHeldBytes)
        {
            _names.Clear();
            Interlocked.Increment(ref _generation);
            Volatile.Write(ref _count, shapes);
            Interlocked.Exchange(ref _heldBytes, bytes);
        }

        return Volatile.Read(ref _generation);
    }

    /// <summary>Gives back what <paramref name="names"/> held of shapes it dropped (unless the set was emptied since it was made).</summary>
    internal void Release(NameShape names, int shapes, long bytes)
    {
        if (names.Generation == Volatile.Read(ref _generation))
        {
            Interlocked.Add(ref _count, -shapes);
            Interlocked.Add(ref _heldBytes, -bytes);
        }
    }

    /// <summary>The shapes of one category (what a caller keeps, so that no record looks its category up).</summary>
    public Category For(string category)
    {
        if (_categories.TryGetValue(category, out var shapes))
        {
            return shapes;
        }

        if (_categories.Count >= MaxCategories)
        {
            _categories.Clear();
        }

        return _categories.GetOrAdd(category, static (_, owner) => new Category(owner), this);
    }

    /// <summary>
    /// The shape of <paramref name="record"/>, or null when the record must be counted member by member (a signature
    /// too long, a name that cannot be decoded — that way reports its failure as before —, or a category with too many
    /// shapes).
    /// </summary>
    public RecordShape? Of(string category, DiagnosticRecord record) => For(category).Of(record, hint: null);

    /// <summary>Appends each member of <paramref name="parent"/>: level, name length, raw name, and its kind (false when it does not fit).</summary>
    private static bool Append(byte[] buffer, ref int length, byte[] kinds, ref int members, JsonElement parent, byte level)
    {
        foreach (var member in parent.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(member);
            if (length + 3 + name.Length > buffer.Length)
            {
                return false;
            }

            buffer[length] = level;
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(length + 1), (ushort)name.Length);
            name.CopyTo(buffer.AsSpan(length + 3));
            length += 3 + name.Length;
            kinds[members++] = (byte)ValueKindRules.Classify(member.Value);
        }

        return true;
    }

    /// <summary>What <see cref="CategoryObservation"/> counts of each member, worked out as it would per record.</summary>
    private static NameShape Create(RecordShapes owner, byte[] signature, DiagnosticRecord record)
    {
        var fields = new List<NameShape.Field>();
        var member = 0;
        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        if (record.Root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in record.Root.EnumerateObject())
            {
                // Names are matched case-insensitively (data contract): "Properties" is the properties member, not a new field.
                var name = JsonNames.Decode(property, buffer);
                if (!name.Equals("properties", StringComparison.OrdinalIgnoreCase))
                {
                    var text = name.ToString();
                    fields.Add(new NameShape.Field(text, false, text, member));
                }

                member++;
            }
        }

        if (record.Properties is { ValueKind: JsonValueKind.Object } properties)
        {
            foreach (var property in properties.EnumerateObject())
            {
                var text = JsonNames.Decode(property, buffer).ToString();
                fields.Add(new NameShape.Field(text, true, CategoryObservation.PropertiesPrefix + text, member++));
            }
        }

        return new NameShape(owner, signature, [.. fields], member);
    }

    /// <summary>The shapes of one category: how many different member names it has shown.</summary>
    internal sealed class Category(RecordShapes owner)
    {
        private int _made;

        /// <summary>
        /// The shape of <paramref name="record"/> (<paramref name="hint"/>, the shape of the caller's previous record,
        /// when it has the same names and kinds), or null when the record must be counted member by member.
        /// </summary>
        public RecordShape? Of(DiagnosticRecord record, RecordShape? hint)
        {
            if (Volatile.Read(ref _made) > owner._maxPerCategory)
            {
                return null;
            }

            var buffer = t_signature ??= new byte[MaxSignatureBytes];
            var kinds = t_kinds ??= new byte[MaxMembers];
            var length = 0;
            var members = 0;
            if (record.Root.ValueKind == JsonValueKind.Object && !Append(buffer, ref length, kinds, ref members, record.Root, TopLevel))
            {
                return null;
            }

            if (record.Properties is { ValueKind: JsonValueKind.Object } properties && !Append(buffer, ref length, kinds, ref members, properties, PropertiesLevel))
            {
                return null;
            }

            var signature = buffer.AsSpan(0, length);
            var values = kinds.AsSpan(0, members);
            NameShape? names;
            if (hint is not null && signature.SequenceEqual(hint.Names.Signature))
            {
                if (values.SequenceEqual(hint.Kinds))
                {
                    return hint;
                }

                names = hint.Names;
            }
            else if (!owner._names.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(signature, out names))
            {
                return Add(signature, values, record);
            }

            return names.Of(values);
        }

        /// <summary>A name shape met for the first time, with its first kinds (null: count member by member).</summary>
        private RecordShape? Add(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> kinds, DiagnosticRecord record)
        {
            NameShape names;
            try
            {
                names = Create(owner, signature.ToArray(), record);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                return null;
            }

            if (Interlocked.Increment(ref _made) > owner._maxPerCategory)
            {
                return null; // this one and every later record of the category: member by member
            }

            // The names and their first kinds are counted together: the set is never emptied between the two.
            names.Generation = owner.Hold(signature.Length + kinds.Length, 2);
            names = owner._names.GetOrAdd(names.Signature, names);
            return names.Add(kinds, held: true);
        }
    }
}

/// <summary>Byte strings compared byte for byte; the hash mixes 8 bytes at a time.</summary>
internal sealed class ByteComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteComparer Instance = new();

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
