namespace AcsFunctions.Generation;

/// <summary>An SMS the resource accepted, waiting for its delivery report.</summary>
/// <param name="MessageId">The message id (joins the send to its report).</param>
/// <param name="Sender">The sender number.</param>
/// <param name="NumberType">LongCodeNumber, ShortCodeNumber or DynamicAlphaSenderID.</param>
/// <param name="Country">Destination country (ISO-2).</param>
/// <param name="SentAt">When the send was logged.</param>
internal sealed record SmsMessage(string MessageId, string Sender, string NumberType, string Country, DateTimeOffset SentAt);
