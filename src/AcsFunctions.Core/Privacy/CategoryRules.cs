using System.Collections.Frozen;

namespace AcsFunctions.Privacy;

/// <summary>The resolved rules of one category (defaults plus configuration overrides).</summary>
public sealed class CategoryRules
{
    private const int OtherFirst = 31;
    private readonly FrozenDictionary<string, FieldRule>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    // Per name length below 64: one bit per case-folded first letter of the rules' names (bit 31: any other first
    // character), so most names of a record are known to have no rule without a lookup. A length with a non-ASCII rule
    // name (which may case-fold to ASCII) has every bit set.
    private readonly uint[] _firstByLength = new uint[64];
    private readonly bool _anyLongName;

    /// <summary>Creates the rule set.</summary>
    public CategoryRules(string category, FrozenDictionary<string, FieldRule> fields, bool scrubUnlisted)
    {
        Category = category;
        Fields = fields;
        ScrubUnlisted = scrubUnlisted;
        HasEffect = scrubUnlisted || fields.Values.Any(r => r.Action != PrivacyAction.Keep);
        _byChars = fields.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var name in fields.Keys)
        {
            if (name.Length >= _firstByLength.Length)
            {
                _anyLongName = true;
            }
            else if (name.Length > 0)
            {
                _firstByLength[name.Length] |= System.Text.Ascii.IsValid(name) ? FirstBit((byte)name[0]) : uint.MaxValue;
            }
        }
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

    /// <summary>
    /// False when no rule can match the plain ASCII name <paramref name="name"/> (its length and first letter, ignoring
    /// case, match no rule's name); true means <see cref="TryGet(ReadOnlySpan{char}, out FieldRule)"/> decides.
    /// </summary>
    public bool MayHaveRule(ReadOnlySpan<byte> name) =>
        name.Length >= _firstByLength.Length ? _anyLongName : name.Length > 0 && (_firstByLength[name.Length] & FirstBit(name[0])) != 0;

    /// <summary>The rule for a field named by characters (no string needed), when it has one.</summary>
    public bool TryGet(ReadOnlySpan<char> field, out FieldRule rule) => _byChars.TryGetValue(field, out rule);

    private static uint FirstBit(byte first) =>
        1u << (char.IsAsciiLetter((char)first) ? (first | 0x20) - 'a' : OtherFirst);
}
