using System.Globalization;
using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.Sms;

namespace AcsFunctions.Generation;

/// <summary>
/// SMS traffic beyond the sends: a delivery report for most accepted messages (delivered, failed with a
/// documented error code, or blocked by 4005/4010) a few seconds later, inbound messages and opt-in/out keywords.
/// </summary>
internal sealed class SmsGenerator
{
    private const string DeliveryReportUri = "https://global.smsgw.prod.communication.microsoft.com/rtc/telephony/sms/DeliveryReport";

    private static readonly (int Code, string Message)[] _failures =
    [
        (4000, "Message is rejected by fraud detection"),
        (4001, "Message is rejected due to invalid Source/From number format"),
        (4002, "Message is rejected due to invalid Destination/To number format"),
        (4003, "Message failed to deliver due to unsupported destination"),
        (4004, "Message failed to deliver since the destination number does not exist"),
        (4006, "The Destination/To number is not reachable"),
        (4007, "The Destination/To number has opted out of receiving messages from you"),
        (4008, "You've exceeded the maximum number of messages allowed for your profile"),
        (4009, "Message is rejected by Microsoft Entitlement System"),
        (5000, "Message failed to deliver. Please reach out Microsoft support team for more details"),
        (5001, "Message failed to deliver due to temporary unavailability of application/system"),
        (5002, "Carrier does not support delivery report"),
        (9999, "Message failed to deliver due to unknown error/failure"),
    ];

    private readonly GenerationContext _context;
    private double _inboundCredit;

    public SmsGenerator(GenerationContext context) => _context = context;

    /// <summary>Records an accepted send: schedules its delivery report (a few carriers never send one).</summary>
    public void Sent(SmsMessage message)
    {
        var random = _context.Random;
        _inboundCredit += 0.04;
        if (!random.Chance(0.97))
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(Math.Min(600_000, random.LogNormal(6_000, 1.1)));
        var x = random.NextDouble();
        if (x < 0.025)
        {
            _context.Schedule.Add(Report(message, delay, 4005, "Message is blocked by destination carrier", "Blocked"));
        }
        else if (x < 0.035)
        {
            _context.Schedule.Add(Report(message, delay, 4010, "Message was blocked due to the toll-free number not being verified", "Blocked"));
        }
        else if (x < 0.10)
        {
            var (code, text) = random.Pick(_failures);
            _context.Schedule.Add(Report(message, delay, code, text, SmsErrorCodes.Outcome(code))); // 5002 is Unknown, as the app classes it
        }
        else
        {
            _context.Schedule.Add(Report(message, delay, 0, null, "Delivered"));
        }
    }

    /// <summary>Inbound messages and keywords for minute <paramref name="minute"/> (a few per hundred sends).</summary>
    public void Generate(long minute, List<GeneratedRecord> output)
    {
        while (_inboundCredit >= 1)
        {
            _inboundCredit -= 1;
            output.Add(Inbound(minute));
        }
    }

    private GeneratedRecord Report(SmsMessage message, TimeSpan delay, int errorCode, string? errorMessage, string outcome)
    {
        var random = _context.Random;
        var time = message.SentAt + delay;
        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), Categories.SmsOperational, "SMSDeliveryReportsReceived", null, _context.MsCv()), KeyCase.Pascal, 0.2);
        w.Json.WriteString(w.Key("resultType"), outcome == "Delivered" ? "Succeeded" : "Failed");
        w.Json.WriteNumber(w.Key("resultSignature"), 200);
        if (errorMessage is not null)
        {
            w.Json.WriteString(w.Key("resultDescription"), $"ErrorCode: {errorCode.ToString(CultureInfo.InvariantCulture)}. ErrorMessage: {errorMessage}");
        }
        else if (random.Chance(0.5))
        {
            w.Json.WriteString(w.Key("resultDescription"), "Delivered");
        }

        w.Integer("durationMs", (long)Math.Max(1, random.LogNormal(120, 0.4)));
        w.Json.WriteString(w.Key("level"), "Informational");
        w.BeginProperties();
        w.Json.WriteString(w.Key("uri", "URI"), DeliveryReportUri);
        w.Integer("outgoingMessageLength", 0);
        w.Integer("incomingMessageLength", 0);
        w.Integer("deliveryAttempts", outcome == "Delivered" ? 1 : random.Next(1, 4));
        w.Text("phoneNumber", message.Sender);
        w.Text("numberType", message.NumberType);
        w.Json.WriteString(w.Key("sdkType"), string.Empty);
        w.Json.WriteString(w.Key("platformType"), string.Empty);
        w.Text("method", "POST");
        w.Text("messageId", message.MessageId);
        w.Text("country", message.Country);
        w.EndProperties();
        return new GeneratedRecord(w.Finish(), Categories.SmsOperational, time) { Tags = ["sms:" + outcome] };
    }

    private GeneratedRecord Inbound(long minute)
    {
        var random = _context.Random;
        var time = _context.TimeIn(minute);
        var keyword = random.NextDouble() switch
        {
            < 0.08 => "OptOut",
            < 0.12 => "OptIn",
            < 0.14 => "OptHelp",
            _ => null,
        };
        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), Categories.SmsOperational, "SMSMessagesReceived", null, _context.MsCv()), KeyCase.Pascal, 0.2);
        w.Json.WriteString(w.Key("resultType"), "Succeeded");
        w.Json.WriteString(w.Key("resultSignature"), "200");
        if (keyword is not null)
        {
            w.Json.WriteString(w.Key("resultDescription"), keyword);
        }

        w.Integer("durationMs", (long)Math.Max(1, random.LogNormal(60, 0.4)));
        w.Json.WriteString(w.Key("level"), "Informational");
        w.BeginProperties();
        w.Json.WriteString(w.Key("uri", "URI"), "https://global.smsgw.prod.communication.microsoft.com/rtc/telephony/sms/inbound");
        w.Integer("outgoingMessageLength", 0);
        w.Integer("incomingMessageLength", random.Next(2, 160));
        w.Text("phoneNumber", random.Pick(_context.SenderNumbers));
        w.Text("numberType", "LongCodeNumber");
        w.Text("method", "POST");
        w.Text("messageId", random.NextGuid().ToString());
        w.Text("country", "US");
        w.EndProperties();
        return new GeneratedRecord(w.Finish(), Categories.SmsOperational, time) { Tags = [keyword is null ? "sms:Received" : "sms:" + keyword] };
    }
}
