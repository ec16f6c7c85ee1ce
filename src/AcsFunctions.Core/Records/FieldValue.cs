using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>A field read leniently from a record: its state, its converted value and the original text.</summary>
/// <remarks>
/// A value read from a record keeps the JSON element it came from and makes <see cref="Original"/> from it only when
/// asked (a converted number or timestamp rarely needs its text, and making it was a string per field per record), so
/// read <see cref="Original"/> before the record is disposed.
/// </remarks>
/// <typeparam name="T">The converted type.</typeparam>
public readonly record struct FieldValue<T>
{
    private readonly string? _original;
    private readonly JsonElement _source;

    /// <summary>A field with its state, value and original text.</summary>
    public FieldValue(FieldState state, T? value, string? original)
    {
        State = state;
        Value = value;
        _original = original;
    }

    /// <summary>A field whose original text is made from <paramref name="source"/> when it is read.</summary>
    internal FieldValue(FieldState state, T? value, JsonElement source)
    {
        State = state;
        Value = value;
        _source = source;
    }

    /// <summary>How the field was found.</summary>
    public FieldState State { get; init; }

    /// <summary>The converted value (default when absent, redacted or unconvertible).</summary>
    public T? Value { get; init; }

    /// <summary>The text the field held (a JSON string's text, or the JSON text of any other value), or null when absent.</summary>
    public string? Original => _original ?? (_source.ValueKind == JsonValueKind.Undefined ? null : DiagnosticRecord.OriginalText(_source));

    /// <summary>An absent field.</summary>
    public static FieldValue<T> Absent => new(FieldState.Absent, default, null);

    /// <summary>True when the field has a value (possibly unconvertible).</summary>
    public bool HasValue => State == FieldState.Present && !IsUnconvertible;

    /// <summary>True when the field was present but could not be converted; <see cref="Original"/> keeps the text.</summary>
    public bool IsUnconvertible { get; init; }

    /// <summary>True when the field held <c>"Redacted"</c>.</summary>
    public bool IsRedacted => State == FieldState.Redacted;

    /// <summary>The element the original text is made from (undefined when the text was given).</summary>
    internal JsonElement Source => _source;

    /// <summary>A converted value.</summary>
    public static FieldValue<T> Of(T value, string? original) => new(FieldState.Present, value, original);

    /// <summary>A present value that could not be converted to <typeparamref name="T"/>.</summary>
    public static FieldValue<T> Unconvertible(string? original) => new(FieldState.Present, default, original) { IsUnconvertible = true };

    /// <summary>Splits the field into its state, value and original text.</summary>
    public void Deconstruct(out FieldState state, out T? value, out string? original)
    {
        state = State;
        value = Value;
        original = Original;
    }

    /// <summary>Equal when state, value, original text and convertibility are.</summary>
    public bool Equals(FieldValue<T> other) =>
        State == other.State &&
        IsUnconvertible == other.IsUnconvertible &&
        EqualityComparer<T?>.Default.Equals(Value, other.Value) &&
        string.Equals(Original, other.Original, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(State, IsUnconvertible, Value, Original);
}

/// <summary>Null-returning accessors for value-typed fields.</summary>
public static class FieldValueStructExtensions
{
    /// <summary>The value, or null when absent, redacted or unconvertible.</summary>
    public static T? OrNull<T>(this FieldValue<T> field)
        where T : struct => field.HasValue ? field.Value : null;
}

/// <summary>Null-returning accessors for reference-typed fields.</summary>
public static class FieldValueClassExtensions
{
    /// <summary>The value, or null when absent, redacted or unconvertible.</summary>
    public static T? OrNull<T>(this FieldValue<T> field)
        where T : class => field.HasValue ? field.Value : null;
}
