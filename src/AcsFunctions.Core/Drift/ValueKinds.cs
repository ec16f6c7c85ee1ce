namespace AcsFunctions.Drift;

/// <summary>
/// The JSON value kinds a field was seen with. Numbers and booleans sent as strings are their own kinds, compatible
/// with both the plain kind and a string (a documented variation of ACS logs, not drift); <c>null</c>, <c>"null"</c>
/// and <c>""</c> are no kind at all.
/// </summary>
[Flags]
public enum ValueKinds
{
    /// <summary>No value (null, "null", "").</summary>
    None = 0,

    /// <summary>A string that is not a number or boolean.</summary>
    String = 1,

    /// <summary>A JSON number.</summary>
    Number = 2,

    /// <summary>A string holding a number (e.g. <c>"103"</c>).</summary>
    NumericString = 4,

    /// <summary>A JSON true/false.</summary>
    Boolean = 8,

    /// <summary>A string holding a boolean (e.g. <c>"true"</c>).</summary>
    BooleanString = 16,

    /// <summary>A JSON object.</summary>
    Object = 32,

    /// <summary>A JSON array.</summary>
    Array = 64,
}
