namespace AcsFunctions.Drift;

/// <summary>What changed in a category's schema (the <c>Change</c> column of <c>SchemaDrift</c>).</summary>
public static class DriftChange
{
    /// <summary>A category never seen before.</summary>
    public const string NewCategory = "new-category";

    /// <summary>A field never seen before in a known category.</summary>
    public const string NewField = "new-field";

    /// <summary>A field that was in every record of the category so far is missing from a record.</summary>
    public const string FieldDisappeared = "field-disappeared";

    /// <summary>A field arrived with a value kind it never had (numbers-as-strings and null are not a change).</summary>
    public const string KindChanged = "kind-changed";
}
