namespace AcsFunctions.Generation;

/// <summary>A final email delivery status with its SMTP codes.</summary>
/// <param name="Status">DeliveryStatus.</param>
/// <param name="Weight">Share of recipients.</param>
/// <param name="HardBounce">IsHardBounce.</param>
/// <param name="Smtp">SmtpStatusCode.</param>
/// <param name="Enhanced">EnhancedSmtpStatusCode.</param>
/// <param name="FailureReason">FailureReason (null when delivered).</param>
/// <param name="FailureMessage">FailureMessage (null when delivered).</param>
internal sealed record EmailOutcome(string Status, double Weight, bool HardBounce, string Smtp, string Enhanced, string? FailureReason, string? FailureMessage)
{
    /// <summary>The outcomes and their shares.</summary>
    public static IReadOnlyList<(EmailOutcome Item, double Weight)> All { get; } = new EmailOutcome[]
    {
        new("Delivered", 0.93, false, "250", "2.6.0", null, null),
        new("Failed", 0.025, true, "550", "5.1.1", "RecipientNotFound", "Mailbox unavailable"),
        new("Failed", 0.005, false, "554", "5.4.4", "DnsLookupFailed", "Unable to route the message"),
        new("Bounced", 0.01, false, "452", "4.2.2", "MailboxFull", "Recipient's mailbox is full"),
        new("Suppressed", 0.015, false, "550", "5.7.708", "SuppressedRecipient", "Recipient is on the suppression list"),
        new("Quarantined", 0.005, false, "550", "5.7.350", "Quarantined", "Message quarantined by the recipient's service"),
        new("FilteredSpam", 0.01, false, "550", "5.7.1", "SpamDetected", "Message was identified as spam"),
    }.Select(o => (o, o.Weight)).ToArray();
}
