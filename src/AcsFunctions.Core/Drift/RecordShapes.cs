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

    internal RecordShape(NameShape names, byte[] kinds, RecordShapes.Category? charged)
    {
        Names = names;
        Kinds = kinds;
        Charged = charged;
    }

    /// <summary>The member names this shape has (with the fields they are counted as).</summary>
    public NameShape Names { get; }

    /// <summary>The <see cref="ValueKinds"/> of every member (the top-level <c>properties</c> member too), in record order.</summary>
    public byte[] Kinds { get; }

    /// <summary>The category whose share of the set this shape is counted in (null: counted by none, see <see cref="NameShape.Generation"/>).</summary>
    internal RecordShapes.Category? Charged { get; }

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
    private readonly Lock _restart = new();
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

    /// <summary>
    /// Which filling of the owner's set this name shape belongs to. One the set has been emptied of since is still
    /// correct to count with (a caller's previous shape may be one), but what it adds or drops is no longer the set's.
    /// </summary>
    internal int Generation { get; set; }

    /// <summary>The shapes (kinds) kept now (enumerated without taking the dictionary's locks, as <c>Values</c> would).</summary>
    internal IEnumerable<RecordShape> Shapes => _kinds.Select(static pair => pair.Value);

    /// <summary>The shape of these names with <paramref name="kinds"/> (one per member), made on first sight for <paramref name="category"/>.</summary>
    internal RecordShape Of(ReadOnlySpan<byte> kinds, RecordShapes.Category category) =>
        _kinds.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(kinds, out var shape) ? shape : Add(kinds, category);

    /// <summary>
    /// Adds the shape of these names with <paramref name="kinds"/>, made for <paramref name="category"/>: counted by the
    /// owner's bounds and the category's share, unless <paramref name="first"/> (counted with the name shape).
    /// </summary>
    internal RecordShape Add(ReadOnlySpan<byte> kinds, RecordShapes.Category category, bool first = false)
    {
        if (Interlocked.Increment(ref _count) > _owner.KindsPerNames)
        {
            // Values whose kinds keep changing: start this name shape's kinds again rather than hold every combination,
            // giving back what each held to the set and to the category it was counted for. One thread restarts (rare:
            // once per KindsPerNames new kinds); a thread that passed the bound at the same time finds it restarted.
            lock (_restart)
            {
                if (Volatile.Read(ref _count) > _owner.KindsPerNames)
                {
                    foreach (var (_, dropped) in _kinds)
                    {
                        dropped.Charged?.Release(Generation, 1, dropped.Kinds.Length);
                    }

                    _kinds.Clear();
                    _owner.Release(Generation, Interlocked.Exchange(ref _count, 1) - 1, Interlocked.Exchange(ref _heldBytes, 0));
                }
            }
        }

        Interlocked.Add(ref _heldBytes, kinds.Length);
        var counted = first || _owner.HoldKinds(this, kinds.Length, category);
        var key = kinds.ToArray();
        var made = new RecordShape(this, key, counted ? category : null);
        var shape = _kinds.GetOrAdd(key, made);
        if (!ReferenceEquals(shape, made))
        {
            // Another thread added these kinds first: what this one counted is not held.
            Interlocked.Decrement(ref _count);
            Interlocked.Add(ref _heldBytes, -key.Length);
            if (counted)
            {
                _owner.Release(Generation, 1, key.Length);
                category.Release(Generation, 1, key.Length);
            }
        }

        return shape;
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
/// is then worked out again). No category can empty it alone: a category that has shown more than
/// <see cref="MaxShapesPerCategory"/> different member names since the set was last emptied (records whose names keep
/// changing; names made again after an emptying others caused are not new), or that holds more
/// than a <see cref="CategoryShare"/>th of either bound (values whose kinds keep changing under its names), is counted
/// member by member from then on. One set of names whose kinds keep changing starts its kinds again after
/// <see cref="MaxKindsPerNames"/>.
/// </summary>
internal sealed class RecordShapes
{
    /// <summary>Name shapes and shapes kept before the set is emptied.</summary>
    internal const int MaxShapes = 16_384;

    /// <summary>A record whose signature is longer than this is counted member by member.</summary>
    internal const int MaxSignatureBytes = 16 * 1024;

    /// <summary>Signature and kind bytes held (all shapes together) before the set is emptied.</summary>
    internal const int MaxHeldBytes = 2 * 1024 * 1024;

    /// <summary>Different member names a category may show (since the set was last emptied) before its records are counted member by member.</summary>
    internal const int MaxShapesPerCategory = 256;

    /// <summary>Shapes (kinds) kept per set of member names before they are started again.</summary>
    internal const int MaxKindsPerNames = 1024;

    /// <summary>
    /// A category that holds more than this part (1/n) of the set's shapes or bytes, made since the set was last emptied,
    /// is counted member by member from then on: it cannot empty the set that every category shares.
    /// </summary>
    internal const int CategoryShare = 4;

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
    private readonly int _maxShapes;
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
    internal RecordShapes(int maxHeldBytes, int maxShapesPerCategory, int maxShapes = MaxShapes, int maxKindsPerNames = MaxKindsPerNames)
    {
        _maxHeldBytes = maxHeldBytes;
        _maxPerCategory = maxShapesPerCategory;
        _maxShapes = maxShapes;
        KindsPerNames = maxKindsPerNames;
    }

    /// <summary>Shapes (kinds) kept per set of member names before they are started again (<see cref="MaxKindsPerNames"/> but in tests).</summary>
    internal int KindsPerNames { get; }

    /// <summary>Signature and kind bytes held now (all shapes).</summary>
    internal long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>Name shapes and shapes held now.</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>How many times the set has been emptied.</summary>
    internal int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// What the set holds, counted one by one: with no thread adding, <see cref="Count"/> and <see cref="HeldBytes"/>
    /// are these (tests).
    /// </summary>
    internal (int Shapes, long Bytes) Tally()
    {
        var shapes = 0;
        var bytes = 0L;
        foreach (var names in _names.Values)
        {
            shapes++;
            bytes += names.Signature.Length;
            foreach (var shape in names.Shapes)
            {
                shapes++;
                bytes += shape.Kinds.Length;
            }
        }

        return (shapes, bytes);
    }

    /// <summary>
    /// Counts a kind shape of <paramref name="bytes"/> just added to <paramref name="names"/> for
    /// <paramref name="category"/>, if <paramref name="names"/> is in the set: one the set was emptied of since (a
    /// caller's previous shape) holds its kinds outside the set, and they are not the set's to count.
    /// </summary>
    internal bool HoldKinds(NameShape names, int bytes, Category category) =>
        names.Generation == Volatile.Read(ref _generation) && Hold(bytes, 1, category, keep: false) == names.Generation;

    /// <summary>Gives back what a name shape of <paramref name="generation"/> held of shapes it dropped (unless the set was emptied since).</summary>
    internal void Release(int generation, int shapes, long bytes)
    {
        if (generation == Volatile.Read(ref _generation))
        {
            Interlocked.Add(ref _count, -shapes);
            Interlocked.Add(ref _heldBytes, -bytes);
        }
    }

    /// <summary>
    /// Counts <paramref name="shapes"/> more shapes or name shapes holding <paramref name="bytes"/>, made for
    /// <paramref name="category"/>, emptying the set first when that would pass a bound; gives the generation they are
    /// counted in. When the set is emptied they are counted in the new one only if they are to <paramref name="keep"/>
    /// (a new name shape, put in the set next), not if they belong to a name shape the set was just emptied of (then
    /// the new generation is given, which is not theirs).
    /// </summary>
    private int Hold(int bytes, int shapes, Category category, bool keep)
    {
        int generation;
        if (Interlocked.Add(ref _count, shapes) <= _maxShapes && Interlocked.Add(ref _heldBytes, bytes) <= _maxHeldBytes)
        {
            generation = Volatile.Read(ref _generation);
        }
        else
        {
            // A name shape added meanwhile for the generation ending here is either cleared below or sees the new
            // generation when it checks after adding (Category.Add) and takes itself out.
            generation = Interlocked.Increment(ref _generation);
            _names.Clear();
            Volatile.Write(ref _count, keep ? shapes : 0);
            Interlocked.Exchange(ref _heldBytes, keep ? bytes : 0);
            if (!keep)
            {
                return generation;
            }
        }

        category.Charge(generation, shapes, bytes);
        return generation;
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

    /// <summary>
    /// The shapes of one category: how many different member names it has shown and what it holds of the set since
    /// the set was last emptied (name shapes, shapes and bytes, each with that generation in its high 32 bits).
    /// </summary>
    internal sealed class Category(RecordShapes owner)
    {
        private long _made;
        private long _heldShapes;
        private long _heldBytes;
        private bool _byMember;

        /// <summary>Whether every record of this category is counted member by member from now on.</summary>
        internal bool ByMember => Volatile.Read(ref _byMember);

        /// <summary>Shapes and name shapes this category holds in the set (made for it since the set was last emptied, less those started again).</summary>
        internal int HeldShapes => Held(Volatile.Read(ref _heldShapes), owner.Generation);

        /// <summary>
        /// The shape of <paramref name="record"/> (<paramref name="hint"/>, the shape of the caller's previous record,
        /// when it has the same names and kinds), or null when the record must be counted member by member.
        /// </summary>
        public RecordShape? Of(DiagnosticRecord record, RecordShape? hint)
        {
            if (Volatile.Read(ref _byMember))
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
            if (hint is not null && signature.SequenceEqual(hint.Names.Signature))
            {
                if (values.SequenceEqual(hint.Kinds))
                {
                    return hint;
                }

                // The previous names serve for other kinds only while the set holds them (kinds added to names it was
                // emptied of are not the set's: they would be found by no other record and counted by no bound).
                if (hint.Names.Generation == owner.Generation)
                {
                    return hint.Names.Of(values, this);
                }
            }

            if (!owner._names.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(signature, out var names))
            {
                return Add(signature, values, record);
            }

            return names.Of(values, this);
        }

        /// <summary>
        /// Counts what this category added to the set in <paramref name="generation"/>; past its share of a bound, the
        /// category is counted member by member from now on.
        /// </summary>
        internal void Charge(int generation, int shapes, int bytes)
        {
            if (Add(ref _heldShapes, generation, shapes) > owner._maxShapes / CategoryShare
                || Add(ref _heldBytes, generation, bytes) > owner._maxHeldBytes / CategoryShare)
            {
                Volatile.Write(ref _byMember, true);
            }
        }

        /// <summary>Gives back what a name shape of <paramref name="generation"/> held for this category of shapes it dropped.</summary>
        internal void Release(int generation, int shapes, int bytes)
        {
            Add(ref _heldShapes, generation, -shapes);
            Add(ref _heldBytes, generation, -bytes);
        }

        private static int Held(long held, int generation) => (int)(held >> 32) == generation ? (int)held : 0;

        /// <summary>Adds <paramref name="amount"/> to what <paramref name="held"/> counts for <paramref name="generation"/> (starting again in a newer one); gives the sum.</summary>
        private static int Add(ref long held, int generation, int amount)
        {
            while (true)
            {
                var seen = Volatile.Read(ref held);
                var was = (int)(seen >> 32);
                if (was - generation > 0)
                {
                    return 0; // counted for a generation already over
                }

                var sum = Math.Max(0, Held(seen, generation) + amount);
                if (Interlocked.CompareExchange(ref held, ((long)generation << 32) | (uint)sum, seen) == seen)
                {
                    return sum;
                }
            }
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

            if (Add(ref _made, owner.Generation, 1) > owner._maxPerCategory)
            {
                Volatile.Write(ref _byMember, true);
                return null; // this one and every later record of the category: member by member
            }

            // The names and their first kinds are counted together: the set is never emptied between the two.
            var bytes = signature.Length + kinds.Length;
            var generation = names.Generation = owner.Hold(bytes, 2, this, keep: true);
            var held = owner._names.GetOrAdd(names.Signature, names);
            if (!ReferenceEquals(held, names))
            {
                // Another thread added these names first: count the kinds with its name shape (and these names once).
                owner.Release(generation, 2, bytes);
                Release(generation, 2, bytes);
                Add(ref _made, generation, -1);
                return held.Of(kinds, this);
            }

            if (owner.Generation != generation)
            {
                // Emptied by another thread since these were counted: not the new set's (see Hold).
                owner._names.TryRemove(new KeyValuePair<byte[], NameShape>(names.Signature, names));
            }

            return names.Add(kinds, this, first: true);
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
