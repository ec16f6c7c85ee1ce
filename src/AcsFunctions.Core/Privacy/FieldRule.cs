namespace AcsFunctions.Privacy;

/// <summary>How the policy treats one field: what it holds and what to do with it.</summary>
/// <param name="Kind">What the field holds.</param>
/// <param name="Action">What to do with it.</param>
public readonly record struct FieldRule(PersonalDataKind Kind, PrivacyAction Action);
