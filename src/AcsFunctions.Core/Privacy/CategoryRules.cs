using System.Collections.Frozen;

namespace AcsFunctions.Privacy;

/// <summary>The resolved rules of one category (defaults plus configuration overrides).</summary>
public sealed class CategoryRules
{
    private readonly FrozenDictionary<string, FieldRule>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    /// <summary>Creates the rule set.</summary>
    public CategoryRules(string category, FrozenDictionary<string, FieldRule> fields, bool scrubUnlisted)
    {
        Category = category;
        Fields = fields;
        ScrubUnlisted = scrubUnlisted;
        HasEffect = scrubUnlisted || fields.Values.Any(r => r.Action != PrivacyAction.Keep);
        _byChars = fields.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The canonical category.</summary>
    public string Category { get; }

    /// <summary>Rules per field name (case-insensitive).</summary>
    public FrozenDictionary<string, FieldRule> Fields { get; }

    /// <summary>True for categories without a documented field list: every non-envelope string is scrubbed by pattern.</summary>
    public bool ScrubUnlisted { get; }

    /// <summary>False when the rules can change nothing (every field kept).</summary>
    public bool HasEffect { get; }

    /// <summary>The rule for a field, when it has one.</summary>
    public bool TryGet(string field, out FieldRule rule) => Fields.TryGetValue(field, out rule);

    /// <summary>The rule for a field named by characters (no string needed), when it has one.</summary>
    public bool TryGet(ReadOnlySpan<char> field, out FieldRule rule) => _byChars.TryGetValue(field, out rule);
}
