using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Privacy;

/// <summary>
/// The field classification (<see cref="PersonalFields"/> and the categories' declarations) combined with the configured overrides
/// (<see cref="PrivacyOptions.Fields"/>), resolved once per category, and the keyed hasher in force.
/// </summary>
public sealed class PrivacyPolicy
{
    private readonly ConcurrentDictionary<string, CategoryRules> _rules = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, string>> _overrides;
    private readonly FrozenDictionary<string, IReadOnlyDictionary<string, FieldRule>> _declared;

    /// <summary>Creates the policy from validated options and the declared categories (see <see cref="PersonalFieldDeclaration"/>).</summary>
    /// <exception cref="InvalidOperationException">A category is declared twice.</exception>
    public PrivacyPolicy(IOptions<PrivacyOptions> options, IEnumerable<PersonalFieldDeclaration> declarations)
    {
        var declared = new Dictionary<string, IReadOnlyDictionary<string, FieldRule>>(StringComparer.OrdinalIgnoreCase);
        foreach (var declaration in PersonalFields.ContractOnly.Concat(declarations))
        {
            if (!declared.TryAdd(declaration.Category, declaration.Fields))
            {
                throw new InvalidOperationException($"The personal fields of category '{declaration.Category}' are declared twice.");
            }
        }

        _declared = declared.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        var value = options.Value;
        _overrides = value.Fields;
        UsesDevelopmentKey = value.UsesDevelopmentKey;
        Hasher = new KeyedHasher(value.EffectiveKey);
        Scrubber = new TextScrubber(Hasher);
    }

    /// <summary>The keyed hasher.</summary>
    public KeyedHasher Hasher { get; }

    /// <summary>The pattern scrubber (hashing with <see cref="Hasher"/>).</summary>
    public TextScrubber Scrubber { get; }

    /// <summary>True when the public development key is in use.</summary>
    public bool UsesDevelopmentKey { get; }

    /// <summary>The rules of a canonical category (an empty or unknown category gets the unknown-category rules).</summary>
    public CategoryRules For(string category) => _rules.TryGetValue(category, out var rules) ? rules : _rules.GetOrAdd(category, Build);

    private CategoryRules Build(string category)
    {
        var fields = new Dictionary<string, FieldRule>(PersonalFields.Common, StringComparer.OrdinalIgnoreCase);
        var described = _declared.TryGetValue(category, out var specific);
        if (specific is not null)
        {
            foreach (var (name, rule) in specific)
            {
                fields[name] = rule;
            }
        }

        ApplyOverrides(fields, PersonalFields.AllCategories);
        if (!string.Equals(category, PersonalFields.AllCategories, StringComparison.OrdinalIgnoreCase))
        {
            ApplyOverrides(fields, category);
        }

        return new CategoryRules(category, fields.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), scrubUnlisted: !described);
    }

    private void ApplyOverrides(Dictionary<string, FieldRule> fields, string category)
    {
        if (!_overrides.TryGetValue(category, out var overrides))
        {
            return;
        }

        foreach (var (name, text) in overrides)
        {
            if (PrivacyOptions.TryParseAction(text, out var action))
            {
                // A field the catalog does not classify is treated as free text when masked.
                var kind = fields.TryGetValue(name, out var existing) ? existing.Kind : PersonalDataKind.FreeText;
                fields[name] = new FieldRule(kind, action);
            }
        }
    }
}
