namespace AcsFunctions.Privacy;

/// <summary>What the privacy policy does with one field before anything is persisted.</summary>
public enum PrivacyAction
{
    /// <summary>
    /// Replace the value by a keyed hash (<c>h:</c> + 24 hex characters of HMAC-SHA256): stable for the same key,
    /// so joins and distinct counts still work, and not reversible without the key.
    /// </summary>
    Hash,

    /// <summary>
    /// Keep the part an operator needs and remove the rest, by the field's <see cref="PersonalDataKind"/>:
    /// IPv4 → /24, IPv6 → /48, e-mail → domain, phone → country code, ACS identity → resource, URL → no query
    /// values, free text → every embedded identifier replaced.
    /// </summary>
    Mask,

    /// <summary>Store the value as it arrived (an explicit opt-out).</summary>
    Keep,

    /// <summary>Remove the field from the record.</summary>
    Drop,
}
