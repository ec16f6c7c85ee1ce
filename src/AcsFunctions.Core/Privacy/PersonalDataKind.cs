namespace AcsFunctions.Privacy;

/// <summary>What a personal field holds; decides how <see cref="PrivacyAction.Mask"/> and <see cref="PrivacyAction.Hash"/> treat it.</summary>
public enum PersonalDataKind
{
    /// <summary>
    /// One identifier: an ACS or Teams identity, a phone number, an e-mail address (hashed after normalisation, so
    /// <c>8:acs:X</c> and <c>acs:X</c>, or <c>User@Contoso.com</c> and <c>user@contoso.com</c>, hash alike).
    /// </summary>
    Identifier,

    /// <summary>An IPv4 or IPv6 address.</summary>
    IpAddress,

    /// <summary>A URL (request URI, clicked link): query values and embedded identifiers are personal.</summary>
    Url,

    /// <summary>Free text or a JSON payload that may embed identifiers, e-mail addresses, phone numbers or IP addresses.</summary>
    FreeText,
}
