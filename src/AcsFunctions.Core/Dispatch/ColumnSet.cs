using System.Buffers;
using System.Collections;
using AcsFunctions.Records;

namespace AcsFunctions.Dispatch;

/// <summary>
/// The typed columns a handler adds to a stored record. Absent values are skipped; a value that could not be
/// converted is kept as its original text in a <c>&lt;Name&gt;Raw</c> column, so nothing is silently lost.
/// Allowed value types: string, bool, int, long, double, DateTimeOffset, Guid, byte[].
/// </summary>
/// <remarks>
/// One set is made per record, so it is lean: one pooled array sized by the handler (it knows how many columns it can
/// add), given back by the pipeline once the record's row is built, and the values every record repeats — booleans, small whole numbers — are shared boxes instead of a new box each.
/// </remarks>
public sealed class ColumnSet : IEnumerable<KeyValuePair<string, object>>
{
    private const int DefaultCapacity = 16;
    private const int SharedNumbers = 1024;
    private static readonly object _true = true;
    private static readonly object _false = false;
    private static readonly object[] _ints = CreateBoxes(i => i);
    private static readonly object[] _doubles = CreateBoxes(i => (double)i);

    private KeyValuePair<string, object>[] _columns;
    private int _count;

    /// <summary>An empty set.</summary>
    public ColumnSet()
        : this(DefaultCapacity)
    {
    }

    /// <summary>An empty set with room for <paramref name="capacity"/> columns (it grows when more are added).</summary>
    public ColumnSet(int capacity)
    {
        // A pooled array (issue 18: one set per record, ~0.5 KB): the pipeline gives it back once the record's row is
        // built and its observers have seen it (Release); a set nobody releases is simply collected.
        _columns = ArrayPool<KeyValuePair<string, object>>.Shared.Rent(Math.Max(capacity, 4));
    }

    /// <summary>Number of columns.</summary>
    public int Count => _count;

    /// <summary>Adds a column unless <paramref name="value"/> is null.</summary>
    public ColumnSet Add(string name, object? value)
    {
        if (value is not null)
        {
            Append(name, value);
        }

        return this;
    }

    /// <summary>Adds a text column unless <paramref name="value"/> is null.</summary>
    public ColumnSet Add(string name, string? value)
    {
        if (value is not null)
        {
            Append(name, value);
        }

        return this;
    }

    /// <summary>Adds a boolean column.</summary>
    public ColumnSet Add(string name, bool value)
    {
        Append(name, Box(value));
        return this;
    }

    /// <summary>Adds a boolean column unless <paramref name="value"/> is null.</summary>
    public ColumnSet Add(string name, bool? value)
    {
        if (value is { } v)
        {
            Append(name, Box(v));
        }

        return this;
    }

    /// <summary>Adds a whole-number column unless <paramref name="value"/> is null.</summary>
    public ColumnSet Add(string name, int? value)
    {
        if (value is { } v)
        {
            Append(name, (uint)v < SharedNumbers ? _ints[v] : v);
        }

        return this;
    }

    /// <summary>Adds a string field (absent → nothing; redacted → <c>&lt;Name&gt;Redacted = true</c>).</summary>
    public ColumnSet Add(string name, FieldValue<string> field)
    {
        if (field.HasValue)
        {
            Append(name, field.Value!);
        }
        else if (field.IsRedacted)
        {
            Append(name + "Redacted", _true);
        }

        return this;
    }

    /// <summary>Adds a number field (unconvertible → <c>&lt;Name&gt;Raw</c> with the original text).</summary>
    public ColumnSet Add(string name, FieldValue<double> field) =>
        field.HasValue ? AddValue(name, Box(field.Value)) : AddNoValue(name, field);

    /// <summary>Adds a whole-number field (unconvertible → <c>&lt;Name&gt;Raw</c>).</summary>
    public ColumnSet Add(string name, FieldValue<long> field) =>
        field.HasValue ? AddValue(name, field.Value) : AddNoValue(name, field);

    /// <summary>Adds a boolean field (unconvertible → <c>&lt;Name&gt;Raw</c>).</summary>
    public ColumnSet Add(string name, FieldValue<bool> field) =>
        field.HasValue ? AddValue(name, Box(field.Value)) : AddNoValue(name, field);

    /// <summary>Adds a timestamp field (unconvertible → <c>&lt;Name&gt;Raw</c>).</summary>
    public ColumnSet Add(string name, FieldValue<DateTimeOffset> field) =>
        field.HasValue ? AddValue(name, field.Value) : AddNoValue(name, field);

    /// <summary>The value of a column, or null.</summary>
    public object? Get(string name)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_columns[i].Key == name)
            {
                return _columns[i].Value;
            }
        }

        return null;
    }

    /// <summary>Enumerates the columns in the order they were added.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, object>> IEnumerable<KeyValuePair<string, object>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static object Box(bool value) => value ? _true : _false;

    // Whole numbers 0…1023 (durations in ms, counts, metrics sent as "164") share a box; -0.0 keeps its own.
    private static object Box(double value) =>
        value >= 0 && value < SharedNumbers && (int)value == value && !double.IsNegative(value) ? _doubles[(int)value] : value;

    private static object[] CreateBoxes<T>(Func<int, T> make)
        where T : struct
    {
        var boxes = new object[SharedNumbers];
        for (var i = 0; i < boxes.Length; i++)
        {
            boxes[i] = make(i);
        }

        return boxes;
    }

    private ColumnSet AddNoValue<T>(string name, FieldValue<T> field)
    {
        if (field.IsUnconvertible && field.Original is { } original)
        {
            Append(name + "Raw", original);
        }
        else if (field.IsRedacted)
        {
            Append(name + "Redacted", _true);
        }

        return this;
    }

    private ColumnSet AddValue(string name, object value)
    {
        Append(name, value);
        return this;
    }

    /// <summary>
    /// Gives the set's array back to the pool and leaves the set empty: called by the pipeline once nothing reads the
    /// set any more (its row is built and the observers have seen the record).
    /// </summary>
    internal void Release()
    {
        var columns = _columns;
        var count = _count;
        _columns = [];
        _count = 0;
        if (columns.Length > 0)
        {
            Return(columns, count);
        }
    }

    private static void Return(KeyValuePair<string, object>[] columns, int count)
    {
        columns.AsSpan(0, count).Clear(); // no references kept alive by the pool
        ArrayPool<KeyValuePair<string, object>>.Shared.Return(columns);
    }

    private void Append(string name, object value)
    {
        if (_count == _columns.Length)
        {
            var larger = ArrayPool<KeyValuePair<string, object>>.Shared.Rent(Math.Max(_columns.Length * 2, 4));
            _columns.AsSpan(0, _count).CopyTo(larger);
            if (_columns.Length > 0)
            {
                Return(_columns, _count);
            }

            _columns = larger;
        }

        _columns[_count++] = new(name, value);
    }

    /// <summary>Enumerates a <see cref="ColumnSet"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, object>>
    {
        private readonly ColumnSet _set;
        private int _index;

        internal Enumerator(ColumnSet set)
        {
            _set = set;
            _index = -1;
        }

        /// <inheritdoc />
        public readonly KeyValuePair<string, object> Current => _set._columns[_index];

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext() => ++_index < _set._count;

        /// <inheritdoc />
        public void Reset() => _index = -1;

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}
