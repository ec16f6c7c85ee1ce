using System.Buffers;
using System.Buffers.Binary;

namespace AcsFunctions.Records;

/// <summary>
/// The pooled output of <see cref="RecordCanonicalizer"/>: a growable byte buffer plus the (start, length) of every
/// member written in the objects still open, so an object's members can be sorted in place when it closes.
/// </summary>
internal class CanonicalBuffer
{
    // Objects with more members than this are sorted with Span.Sort (n log n) instead of an insertion sort.
    private const int InsertionSortLimit = 32;

    private readonly PooledBytes _bytes = new();
    private Member[] _members = [];
    private MemberComparer? _comparer;

    /// <summary>Bytes written.</summary>
    protected int Length
    {
        get => _bytes.Length;
        set => _bytes.Length = value;
    }

    /// <summary>Members recorded (of all open objects).</summary>
    protected int MemberCount { get; set; }

    /// <summary>The written bytes.</summary>
    protected ReadOnlySpan<byte> Written => _bytes.Written;

    /// <summary>Rents the buffers for a record of <paramref name="jsonLength"/> bytes and starts empty.</summary>
    protected void Rent(int jsonLength)
    {
        _bytes.Rent(Math.Max(256, jsonLength + 64));
        _members = ArrayPool<Member>.Shared.Rent(64);
        MemberCount = 0;
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Release()
    {
        _bytes.Return();

        if (_members.Length > 0)
        {
            ArrayPool<Member>.Shared.Return(_members);
            _members = [];
        }
    }

    /// <summary>Forgets what was written from <paramref name="start"/> on (a member the privacy policy dropped after its name was written).</summary>
    public void Truncate(int start) => Length = start;

    /// <summary>Records a member written at [start, start + length).</summary>
    protected void AddMember(int start, int length)
    {
        if (MemberCount == _members.Length)
        {
            var larger = ArrayPool<Member>.Shared.Rent(_members.Length * 2);
            _members.AsSpan(0, MemberCount).CopyTo(larger);
            ArrayPool<Member>.Shared.Return(_members);
            _members = larger;
        }

        // The member's first bytes after its tag (the name's big-endian length, then the name) as one number, zero
        // padded: members that differ there are ordered by it without comparing their bytes (see Compare).
        var head = _bytes.Array.AsSpan(start + 1, Math.Min(8, length - 1));
        var key = 0UL;
        for (var i = 0; i < 8; i++)
        {
            key = (key << 8) | (i < head.Length ? head[i] : 0UL);
        }

        _members[MemberCount++] = new Member(start, length, key);
    }

    /// <summary>
    /// Sorts the members recorded since <paramref name="firstMember"/> (written contiguously from
    /// <paramref name="bodyStart"/>) by their bytes and forgets them.
    /// </summary>
    protected void SortMembers(int firstMember, int bodyStart)
    {
        var count = MemberCount - firstMember;
        MemberCount = firstMember;
        if (count < 2)
        {
            return;
        }

        // Most objects are small: an insertion sort in place, comparing bytes directly (Span.Sort with a struct
        // comparer boxes it and calls it through an interface — one allocation per object of every record). Members
        // that compare equal are byte-identical, so any correct sort writes the same bytes.
        var members = _members.AsSpan(firstMember, count);
        var moved = false;
        for (var i = 1; i < members.Length; i++)
        {
            var current = members[i];
            var j = i - 1;
            if (Compare(members[j], current) <= 0)
            {
                continue;
            }

            moved = true;
            if (members.Length > InsertionSortLimit)
            {
                members.Sort(_comparer ??= new MemberComparer(this));
                break;
            }

            do
            {
                members[j + 1] = members[j];
                j--;
            }
            while (j >= 0 && Compare(members[j], current) > 0);
            members[j + 1] = current;
        }

        if (!moved)
        {
            return; // already in order: the bytes stay where they are
        }

        var size = Length - bodyStart;
        var scratch = ArrayPool<byte>.Shared.Rent(size);
        var at = 0;
        foreach (var (start, length, _) in members)
        {
            _bytes.Array.AsSpan(start, length).CopyTo(scratch.AsSpan(at));
            at += length;
        }

        scratch.AsSpan(0, size).CopyTo(_bytes.Array.AsSpan(bodyStart));
        ArrayPool<byte>.Shared.Return(scratch);
    }

    /// <summary>Writes <paramref name="tag"/>, the big-endian length and the bytes of <paramref name="text"/>.</summary>
    protected void AppendText(byte tag, ReadOnlySpan<byte> text)
    {
        var target = _bytes.Reserve(5 + text.Length);
        target[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(target[1..], text.Length);
        text.CopyTo(target[5..]);
        Length += 5 + text.Length;
    }

    /// <summary>Writes one byte.</summary>
    protected void Append(byte value) => _bytes.Append(value);

    /// <summary>Writes bytes.</summary>
    protected void Append(ReadOnlySpan<byte> value) => _bytes.Append(value);

    /// <summary>Room for <paramref name="more"/> bytes at the end, to be written through the returned span.</summary>
    protected Span<byte> Reserve(int more) => _bytes.Reserve(more);

    /// <summary>Folds ASCII capitals to lower case in [start, start + length).</summary>
    protected void FoldCase(int start, int length)
    {
        var written = _bytes.Array.AsSpan(start, length);
        for (var i = 0; i < written.Length; i++)
        {
            if (written[i] is >= (byte)'A' and <= (byte)'Z')
            {
                written[i] |= 0x20;
            }
        }
    }

    /// <summary>
    /// Orders canonical members by their bytes (the name comes first, so effectively by name, then value): by their keys
    /// when those differ — a key is the member's first bytes zero padded, so a smaller key means smaller bytes — else by
    /// the bytes.
    /// </summary>
    private int Compare(Member x, Member y) =>
        x.Key != y.Key
            ? x.Key.CompareTo(y.Key)
            : _bytes.Array.AsSpan(x.Start, x.Length).SequenceCompareTo(_bytes.Array.AsSpan(y.Start, y.Length));

    /// <summary>A member written at [Start, Start + Length), with its first bytes after the tag as a number.</summary>
    private readonly record struct Member(int Start, int Length, ulong Key);

    /// <summary>For objects with many members: the same order for Span.Sort, one per buffer.</summary>
    private sealed class MemberComparer(CanonicalBuffer owner) : IComparer<Member>
    {
        public int Compare(Member x, Member y) => owner.Compare(x, y);
    }
}
