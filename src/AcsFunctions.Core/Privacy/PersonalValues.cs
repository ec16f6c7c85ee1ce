using AcsFunctions.Records;

namespace AcsFunctions.Privacy;

/// <summary>
/// The hash or mask of one personal value under a policy. Hashes and masks are pure functions of (kind, text) under
/// the policy, and personal values repeat across the records of a batch (a participant in every record of a call, a
/// phone number in its send and delivery report): each distinct value is computed once per cache generation.
/// </summary>
internal sealed class PersonalValues(PrivacyPolicy policy)
{
    private readonly BoundedCache<string>[] _hashed = NewCaches();
    private readonly BoundedCache<string>[] _masked = NewCaches();

    /// <summary>The keyed hash of <paramref name="text"/> (identifiers and IP addresses normalised first).</summary>
    public string Hash(PersonalDataKind kind, string text) =>
        _hashed[(int)kind].GetOrAdd(text, (this, kind), static (t, s) => s.Item1.HashUncached(s.kind, t));

    /// <summary>The mask of <paramref name="text"/> for its kind.</summary>
    /// <remarks>
    /// A plain URL is masked from its text, which costs less than a cache lookup, and URLs rarely repeat (they carry
    /// ids): they are not cached, so they neither miss nor push the cache to be emptied.
    /// </remarks>
    public string Mask(PersonalDataKind kind, string text) =>
        (kind == PersonalDataKind.Url ? PlainUrls.TryMask(text, policy.Scrubber) : null)
        ?? _masked[(int)kind].GetOrAdd(text, (this, kind), static (t, s) => s.Item1.MaskUncached(s.kind, t));

    /// <summary>
    /// <see cref="Hash(PersonalDataKind, string)"/> of a value given by its characters (read from a record's bytes): a
    /// value seen before costs no string.
    /// </summary>
    public string Hash(PersonalDataKind kind, ReadOnlySpan<char> text) =>
        _hashed[(int)kind].TryGet(text, out var hashed) ? hashed : Hash(kind, text.ToString());

    /// <summary><see cref="Mask(PersonalDataKind, string)"/> of a value given by its characters: a value seen before costs no string.</summary>
    public string Mask(PersonalDataKind kind, ReadOnlySpan<char> text) =>
        kind != PersonalDataKind.Url && _masked[(int)kind].TryGet(text, out var masked) ? masked : Mask(kind, text.ToString());

    private static BoundedCache<string>[] NewCaches() =>
        [.. Enum.GetValues<PersonalDataKind>().Select(_ => new BoundedCache<string>())];

    private string HashUncached(PersonalDataKind kind, string text) =>
        kind is PersonalDataKind.Identifier or PersonalDataKind.IpAddress ? policy.Hasher.Hash(text) : policy.Hasher.HashExact(text);

    private string MaskUncached(PersonalDataKind kind, string text) => kind switch
    {
        PersonalDataKind.Identifier => Masking.MaskIdentifier(text),
        PersonalDataKind.IpAddress => Masking.MaskIp(text) ?? policy.Scrubber.Scrub(text),
        PersonalDataKind.Url => Masking.MaskUrl(text, policy.Scrubber.Scrub),
        _ => policy.Scrubber.Scrub(text),
    };
}
