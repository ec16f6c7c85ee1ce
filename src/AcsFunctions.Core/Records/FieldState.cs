namespace AcsFunctions.Records;

/// <summary>How a logical field was found in a record.</summary>
public enum FieldState
{
    /// <summary>The field is not in the record, or holds <c>null</c>, <c>"null"</c>, <c>""</c> or <c>"-"</c>.</summary>
    Absent,

    /// <summary>The field holds <c>"Redacted"</c> (cross-tenant participants): absent, but flagged.</summary>
    Redacted,

    /// <summary>The field holds a usable value.</summary>
    Present,
}
