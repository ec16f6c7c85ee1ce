namespace AcsFunctions.Records;

/// <summary>A field read leniently from a record: its state, its converted value and the original text.</summary>
/// <typeparam name="T">The converted type.</typeparam>
public readonly record struct FieldValue<T>(FieldState State, T? Value, string? Original)
{
    /// <summary>An absent field.</summary>
    public static FieldValue<T> Absent => new(FieldState.Absent, default, null);

    /// <summary>True when the field has a value (possibly unconvertible).</summary>
    public bool HasValue => State == FieldState.Present && !IsUnconvertible;

    /// <summary>True when the field was present but could not be converted; <see cref="Original"/> keeps the text.</summary>
    public bool IsUnconvertible { get; init; }

    /// <summary>True when the field held <c>"Redacted"</c>.</summary>
    public bool IsRedacted => State == FieldState.Redacted;

    /// <summary>A converted value.</summary>
    public static FieldValue<T> Of(T value, string? original) => new(FieldState.Present, value, original);

    /// <summary>A present value that could not be converted to <typeparamref name="T"/>.</summary>
    public static FieldValue<T> Unconvertible(string? original) => new(FieldState.Present, default, original) { IsUnconvertible = true };
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
