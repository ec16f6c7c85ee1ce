using System.Collections;
using AcsFunctions.Records;

namespace AcsFunctions.Dispatch;

/// <summary>
/// The typed columns a handler adds to a stored record. Absent values are skipped; a value that could not be
/// converted is kept as its original text in a <c>&lt;Name&gt;Raw</c> column, so nothing is silently lost.
/// Allowed value types: string, bool, int, long, double, DateTimeOffset, Guid, byte[].
/// </summary>
public sealed class ColumnSet : IEnumerable<KeyValuePair<string, object>>
{
    // Handlers add 10-40 columns: start at a size that rarely has to grow.
    private readonly List<KeyValuePair<string, object>> _columns = new(32);

    /// <summary>Number of columns.</summary>
    public int Count => _columns.Count;

    /// <summary>Adds a column unless <paramref name="value"/> is null.</summary>
    public ColumnSet Add(string name, object? value)
    {
        if (value is not null)
        {
            _columns.Add(new(name, value));
        }

        return this;
    }

    /// <summary>Adds a string field (absent → nothing; redacted → <c>&lt;Name&gt;Redacted = true</c>).</summary>
    public ColumnSet Add(string name, FieldValue<string> field)
    {
        if (field.HasValue)
        {
            _columns.Add(new(name, field.Value!));
        }
        else if (field.IsRedacted)
        {
            _columns.Add(new(name + "Redacted", true));
        }

        return this;
    }

    /// <summary>Adds a number field (unconvertible → <c>&lt;Name&gt;Raw</c> with the original text).</summary>
    public ColumnSet Add(string name, FieldValue<double> field) => AddStruct(name, field);

    /// <summary>Adds a whole-number field (unconvertible → <c>&lt;Name&gt;Raw</c>).</summary>
    public ColumnSet Add(string name, FieldValue<long> field) => AddStruct(name, field);

    /// <summary>Adds a boolean field (unconvertible → <c>&lt;Name&gt;Raw</c>).</summary>
    public ColumnSet Add(string name, FieldValue<bool> field) => AddStruct(name, field);

    /// <summary>Adds a timestamp field (unconvertible → <c>&lt;Name&gt;Raw</c>).</summary>
    public ColumnSet Add(string name, FieldValue<DateTimeOffset> field) => AddStruct(name, field);

    /// <summary>The value of a column, or null.</summary>
    public object? Get(string name)
    {
        foreach (var column in _columns)
        {
            if (column.Key == name)
            {
                return column.Value;
            }
        }

        return null;
    }

    private ColumnSet AddStruct<T>(string name, FieldValue<T> field)
        where T : struct
    {
        if (field.HasValue)
        {
            _columns.Add(new(name, field.Value));
        }
        else if (field.IsUnconvertible && field.Original is not null)
        {
            _columns.Add(new(name + "Raw", field.Original));
        }
        else if (field.IsRedacted)
        {
            _columns.Add(new(name + "Redacted", true));
        }

        return this;
    }

    /// <inheritdoc />
    public List<KeyValuePair<string, object>>.Enumerator GetEnumerator() => _columns.GetEnumerator();

    IEnumerator<KeyValuePair<string, object>> IEnumerable<KeyValuePair<string, object>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
