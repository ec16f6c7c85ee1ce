using AcsFunctions.Dispatch;

namespace AcsFunctions.Generation;

/// <summary>
/// Email traffic: a <c>SendMail</c> record per message, a <c>DeliveryStatusUpdate</c> per recipient (sometimes
/// preceded by the interim <c>OutForDelivery</c>), with delivered, hard-bounced, bounced, suppressed, quarantined
/// and spam-filtered outcomes, and <c>View</c>/<c>Click</c> engagement for some delivered recipients.
/// All records of one message share its MessageId as correlation id.
/// </summary>
internal sealed class EmailGenerator
{
    private const string Version = "2023-03-31";
    private static readonly string[] _domains = ["contoso.com", "fabrikam.com", "notifications.contoso.com"];
    private static readonly string[] _recipientDomains = ["example.com", "example.net", "example.org", "contoso.net"];
    private static readonly string[] _sources = ["Email .NET SDK", "Email JS SDK", "Email Python SDK", "REST", "SMTP"];
    private static readonly string[] _agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531)",
    ];

    private readonly GenerationContext _context;
    private readonly int[] _perMinute;

    public EmailGenerator(GenerationContext context)
    {
        _context = context;
        _perMinute = context.Apportion(context.Options.EffectiveEmails, context.Options.Minutes);
    }

    /// <summary>Sends of minute <paramref name="minute"/> (their status and engagement records are scheduled).</summary>
    public void Generate(long minute, List<GeneratedRecord> output)
    {
        for (var i = 0; i < _perMinute[minute]; i++)
        {
            output.Add(Send(minute));
        }
    }

    private GeneratedRecord Send(long minute)
    {
        var random = _context.Random;
        var time = _context.TimeIn(minute);
        var messageId = random.NextGuid().ToString();
        var to = random.Chance(0.85) ? 1 : random.Next(2, 6);
        var cc = random.Chance(0.9) ? 0 : random.Next(1, 4);
        var bcc = random.Chance(0.95) ? 0 : random.Next(1, 3);
        var unique = to + cc + bcc;
        var location = random.Pick(["westeurope", "eastus", "unitedstates"]);
        var sender = random.Pick(_domains);
        var w = Begin(Categories.EmailSendMailOperational, "SendMail", messageId, location, time);
        w.Real("size", random.LogNormal(0.03, 1.2), 6);
        w.Integer("toRecipientsCount", to);
        w.Integer("ccRecipientsCount", cc);
        w.Integer("bccRecipientsCount", bcc);
        w.Integer("uniqueRecipientsCount", unique);
        w.Integer("attachmentsCount", random.Chance(0.8) ? 0 : random.Next(1, 4));
        w.Text("trafficSource", random.Pick(_sources));
        w.EndProperties();
        var record = new GeneratedRecord(w.Finish(), Categories.EmailSendMailOperational, time) { Tags = ["email:sent"] };

        for (var r = 0; r < unique; r++)
        {
            var recipient = $"user{random.Next(1, 1_000_000)}.{random.Hex(4)}@{random.Pick(_recipientDomains)}";
            var outcome = random.Pick(EmailOutcome.All);
            var finalAt = time + TimeSpan.FromMilliseconds(Math.Min(1_800_000, random.LogNormal(4_000, 1.0)));
            if (random.Chance(0.25))
            {
                var interimAt = time + ((finalAt - time) / 2);
                _context.Schedule.Add(Status(messageId, recipient, sender, location, interimAt, null));
            }

            _context.Schedule.Add(Status(messageId, recipient, sender, location, finalAt, outcome));
            if (outcome.Status == "Delivered" && random.Chance(0.35))
            {
                var viewAt = finalAt + TimeSpan.FromSeconds(Math.Min(7_200, random.LogNormal(300, 1.2)));
                _context.Schedule.Add(Engagement(messageId, recipient, location, viewAt, "View", null));
                if (random.Chance(0.3))
                {
                    var clickAt = viewAt + TimeSpan.FromSeconds(random.Uniform(2, 120));
                    _context.Schedule.Add(Engagement(messageId, recipient, location, clickAt, "Click", $"https://www.{sender}/offers?id={random.Next(10_000, 99_999)}"));
                }
            }
        }

        return record;
    }

    private GeneratedRecord Status(string messageId, string recipient, string senderDomain, string location, DateTimeOffset time, EmailOutcome? outcome)
    {
        var w = Begin(Categories.EmailStatusUpdateOperational, "DeliveryStatusUpdate", messageId, location, time);
        w.Text("recipientId", recipient);
        w.Text("deliveryStatus", outcome?.Status ?? "OutForDelivery");
        if (outcome is not null)
        {
            w.Text("smtpStatusCode", outcome.Smtp);
            w.Text("enhancedSmtpStatusCode", outcome.Enhanced);
            if (outcome.FailureReason is not null)
            {
                w.Text("failureReason", outcome.FailureReason);
                w.Text("failureMessage", outcome.FailureMessage);
            }
        }

        w.Text("senderDomain", senderDomain);
        w.Text("senderUsername", "donotreply");
        w.Boolean("isHardBounce", outcome?.HardBounce ?? false);
        w.EndProperties();
        string[] tags = outcome is null ? ["email:OutForDelivery"]
            : outcome.HardBounce ? ["email:" + outcome.Status, "email:hard-bounce"]
            : ["email:" + outcome.Status];
        return new GeneratedRecord(w.Finish(), Categories.EmailStatusUpdateOperational, time) { Tags = tags };
    }

    private GeneratedRecord Engagement(string messageId, string recipient, string location, DateTimeOffset time, string type, string? context)
    {
        var w = Begin(Categories.EmailUserEngagementOperational, "UserEngagementUpdate", messageId, location, time);
        w.Text("recipientId", recipient);
        w.Text("engagementType", type);
        w.Text("engagementContext", context);
        w.Text("userAgent", _context.Random.Pick(_agents));
        w.EndProperties();
        return new GeneratedRecord(w.Finish(), Categories.EmailUserEngagementOperational, time) { Tags = ["email:" + type] };
    }

    /// <summary>Starts an email record (all three categories share the envelope) and opens its properties.</summary>
    private RecordWriter Begin(string category, string operation, string messageId, string location, DateTimeOffset time)
    {
        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), category, operation, Version, messageId), KeyCase.Pascal, 0.15);
        w.Json.WriteString(w.Key("location"), location);
        w.BeginProperties();
        return w;
    }
}
