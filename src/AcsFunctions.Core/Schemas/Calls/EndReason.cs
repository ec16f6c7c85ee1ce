namespace AcsFunctions.Schemas.Calls;

/// <summary>How a participant's call leg ended.</summary>
/// <param name="Meaning">The documented meaning of the code/subcode, when known.</param>
/// <param name="Class">Success, ExpectedError, UnexpectedClientError, UnexpectedServerError or Unknown; null when nothing is known.</param>
/// <param name="Dropped">True when the code is one of the official "dropped" codes; null when there is no code.</param>
public readonly record struct EndReason(string? Meaning, string? Class, bool? Dropped);
