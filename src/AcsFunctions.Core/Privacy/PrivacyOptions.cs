using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Privacy;

/// <summary>
/// The privacy policy's settings, bound from <c>AcsFunctions:Privacy</c> (environment variables
/// <c>AcsFunctions__Privacy__…</c>). Personal fields are hashed or masked by default (see <see cref="PersonalFields"/>);
/// <see cref="Fields"/> overrides the action per category and field.
/// </summary>
public sealed class PrivacyOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Privacy";

    /// <summary>The setting that holds the key, as it is named in configuration.</summary>
    public const string HashKeySetting = "AcsFunctions:Privacy:HashKey";

    /// <summary>The same setting as an environment variable / app setting.</summary>
    public const string HashKeyEnvironmentVariable = "AcsFunctions__Privacy__HashKey";

    /// <summary>Shortest accepted key.</summary>
    public const int MinKeyLength = 16;

    /// <summary>
    /// The key hosts without a configured key use when <see cref="AllowDevelopmentKey"/> is set (the local CLI and
    /// demo). It is public, so hashes made with it are not secret; it is refused wherever a real key is required.
    /// </summary>
    public const string DevelopmentKey = "acs-functions-DEVELOPMENT-key-not-secret";

    /// <summary>
    /// The secret HMAC key (its UTF-8 bytes). Use at least 32 random characters and keep it in Key Vault; the same key
    /// gives the same hashes on every machine and run, a different key gives different hashes (so changing it
    /// breaks joins with rows hashed before).
    /// </summary>
    public string? HashKey { get; set; }

    /// <value>
    /// Default false: without <see cref="HashKey"/> the host refuses to start, naming the setting. Local tools (the
    /// CLI) set it to fall back to <see cref="DevelopmentKey"/> and say so.
    /// </value>
    public bool AllowDevelopmentKey { get; set; }

    /// <summary>
    /// Per-field overrides: <c>Fields:&lt;Category&gt;:&lt;Field&gt; = hash | mask | keep | drop</c>; the category
    /// <c>All</c> applies to every category. A category-specific entry beats an <c>All</c> entry, which beats the
    /// defaults. Example: <c>AcsFunctions__Privacy__Fields__SMSOperational__PhoneNumber=keep</c>.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> Fields { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when no key is configured and the development key is used.</summary>
    public bool UsesDevelopmentKey => string.IsNullOrWhiteSpace(HashKey);

    /// <summary>The key in force (the configured one, else the development key).</summary>
    public string EffectiveKey => UsesDevelopmentKey ? DevelopmentKey : HashKey!;

    /// <summary>Parses an action name (case-insensitive).</summary>
    public static bool TryParseAction(string? text, out PrivacyAction action) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out action) && Enum.IsDefined(action) && !int.TryParse(text, out _);

    /// <summary>
    /// True for a value that is an App Service Key Vault or App Configuration reference (<c>@Microsoft.KeyVault(…)</c>,
    /// <c>@Microsoft.AppConfiguration(…)</c>): App Service hands the reference text to the app when it cannot resolve it.
    /// </summary>
    public static bool IsUnresolvedReference(string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase)
        || value.TrimStart().StartsWith("@Microsoft.AppConfiguration(", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesDevelopmentKey && !AllowDevelopmentKey)
        {
            yield return new ValidationResult(
                $"No privacy key configured: set {HashKeySetting} (env {HashKeyEnvironmentVariable}) to a secret of at least " +
                $"{MinKeyLength} characters (e.g. a Key Vault reference). Personal fields are hashed with it before anything is stored.",
                [nameof(HashKey)]);
        }
        else if (!UsesDevelopmentKey && HashKey!.Length < MinKeyLength)
        {
            yield return new ValidationResult(
                $"{HashKeySetting} is too short ({HashKey.Length} characters); use at least {MinKeyLength} (32 random characters recommended).",
                [nameof(HashKey)]);
        }
        else if (!UsesDevelopmentKey && IsUnresolvedReference(HashKey!))
        {
            // App Service passes a Key Vault / App Configuration reference it could not resolve on as its own text, which
            // is long enough to pass as a key, and public: every hash made with it could be recomputed by anyone.
            yield return new ValidationResult(
                $"{HashKeySetting} is an unresolved reference ({HashKey!.Split('(')[0]}(…)): the platform could not read the secret. " +
                "Check that the app's identity has Key Vault Secrets User on the vault (and the vault uses Azure RBAC), that the vault " +
                "and secret names are right, and the reference status under the app's Environment variables.",
                [nameof(HashKey)]);
        }
        else if (!UsesDevelopmentKey && !AllowDevelopmentKey && string.Equals(HashKey, DevelopmentKey, StringComparison.Ordinal))
        {
            yield return new ValidationResult(
                $"{HashKeySetting} is the public development key; configure a secret key.",
                [nameof(HashKey)]);
        }

        foreach (var (category, fields) in Fields)
        {
            foreach (var (field, value) in fields)
            {
                if (!TryParseAction(value, out _))
                {
                    yield return new ValidationResult(
                        $"AcsFunctions:Privacy:Fields:{category}:{field} = '{value}' is not an action; use hash, mask, keep or drop.",
                        [nameof(Fields)]);
                }
            }
        }
    }
}
