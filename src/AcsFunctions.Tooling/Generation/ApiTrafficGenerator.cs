using System.Globalization;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Generation;

/// <summary>
/// API-request records for every API category: real operation names, a realistic status mix (mostly 2xx, some
/// 4xx, 429 throttling and 5xx, plus one seeded throttling storm and one seeded server incident) and
/// log-normal latencies per operation. Successful SMS sends hand their message to <see cref="SmsGenerator"/>.
/// </summary>
internal sealed class ApiTrafficGenerator
{
    private const double ClientErrorRate = 0.035;
    private const double ThrottleRate = 0.012;
    private const double ServerErrorRate = 0.008;

    private static readonly string[] _platforms =
    [
        "Microsoft Windows 10.0.20348", "Microsoft Windows 10.0.17763", "Linux 5.15.0-1057-azure #65-Ubuntu",
        "Node 20.11.0 (Linux)", "Darwin 23.4.0", "Java 17.0.10; Linux",
    ];

    private static readonly string[] _countries = ["US", "US", "US", "CA", "GB", "DE", "FR", "NL", "AU", "JP"];
    private static readonly string[] _locations = ["westeurope", "northeurope", "eastus", "westus2", "uksouth"];

    private readonly GenerationContext _context;
    private readonly SmsGenerator _sms;
    private readonly int[] _perMinute;
    private readonly Incident _storm;
    private readonly Incident _outage;

    public ApiTrafficGenerator(GenerationContext context, SmsGenerator sms)
    {
        _context = context;
        _sms = sms;
        var minutes = context.Options.Minutes;
        _perMinute = context.Apportion(context.Options.ApiRequests, minutes);
        var random = context.Random;
        _storm = Incident.Pick(random, minutes, rate: 0.3);
        _outage = Incident.Pick(random, minutes, rate: 0.2);
    }

    /// <summary>Generates minute <paramref name="minute"/>'s API requests into <paramref name="output"/>.</summary>
    public void Generate(long minute, List<GeneratedRecord> output)
    {
        for (var i = 0; i < _perMinute[minute]; i++)
        {
            output.Add(Request(minute));
        }
    }

    private GeneratedRecord Request(long minute)
    {
        var random = _context.Random;
        var category = random.Pick(ApiCatalog.Weighted);
        var operation = random.Pick(category.Weighted);
        var version = random.Chance(0.75) ? category.Versions[0] : random.Pick(category.Versions);
        var status = Status(category, operation, minute);
        var time = _context.TimeIn(minute);
        var correlationId = category.Category switch
        {
            Categories.ChatOperational or Categories.SmsOperational or Categories.RoomsOperational => _context.MsCv(),
            Categories.AuthOperational or Categories.JobRouterOperational => random.Hex(32),
            _ => random.NextGuid().ToString(),
        };

        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), category.Category, operation.Name, version, correlationId), KeyCase.Pascal, 0.2);
        var success = status is >= 200 and < 300;
        w.Json.WriteString(w.Key("resultType"), success ? "Succeeded" : "Failed");
        if (category.NumericSignature ? !random.Chance(0.05) : random.Chance(0.1))
        {
            w.Json.WriteNumber(w.Key("resultSignature"), status);
        }
        else
        {
            w.Json.WriteString(w.Key("resultSignature"), status.ToString(CultureInfo.InvariantCulture));
        }

        if (random.Chance(success ? 0.3 : 0.8))
        {
            w.Json.WriteString(w.Key("resultDescription"), ApiCatalog.ReasonPhrase(status));
        }

        if (category.HasDuration)
        {
            var ms = Duration(operation, status);
            if (category.FractionalDuration)
            {
                w.Real("durationMs", ms, 4);
            }
            else
            {
                w.Integer("durationMs", (long)Math.Max(1, Math.Round(ms)));
            }
        }

        if (category.Category != Categories.RoomsOperational)
        {
            w.Json.WriteString(w.Key("callerIpAddress"), _context.CallerIp());
        }

        w.Json.WriteString(w.Key("level"), status switch
        {
            >= 500 => "Error",
            >= 400 => "Warning",
            _ => "Informational",
        });
        if (random.Chance(0.5))
        {
            w.Json.WriteString(w.Key("location"), random.Pick(_locations));
        }

        w.BeginProperties();
        var sent = WriteProperties(category, operation, version, status, time);
        w.EndProperties();
        var record = new GeneratedRecord(w.Finish(), category.Category, time) { Tags = ["status:" + StatusClass(status)] };
        if (sent is not null)
        {
            _sms.Sent(sent);
        }

        return record;
    }

    /// <summary>Writes the category's properties; returns the accepted SMS, if this is one (its report is generated after the record is finished).</summary>
    private SmsMessage? WriteProperties(ApiCategory category, ApiOperation operation, string version, int status, DateTimeOffset time)
    {
        var random = _context.Random;
        var w = _context.Writer;
        var path = operation.Path.Replace("{thread}", "19%3A" + random.Hex(32) + "%40thread.v2", StringComparison.Ordinal);
        path = path.Replace("{id}", random.NextGuid().ToString(), StringComparison.Ordinal);
        w.Json.WriteString(w.Key("uri", "URI"), $"https://{_context.Host}/{path}?api-version={version}");
        var sdkType = random.Pick(category.SdkTypes);
        switch (category.Category)
        {
            case Categories.ChatOperational:
                w.Text("sdkType", sdkType);
                w.Text("platformType", random.Pick(_platforms));
                w.Text("userId", _context.AcsUser());
                w.Text("chatThreadId", "19:" + random.Hex(32) + "@thread.v2");
                if (operation.Name.Contains("Message", StringComparison.Ordinal))
                {
                    w.Integer("chatMessageId", time.ToUnixTimeMilliseconds() + random.Next(1000));
                }

                break;
            case Categories.AuthOperational:
                w.Text("sdkType", sdkType);
                w.Text("platformType", random.Pick(_platforms));
                w.Text("identity", _context.AcsUser());
                if (operation.Name is "CreateToken" or "ExchangeTeamsUserAccessToken")
                {
                    w.Json.WriteStartArray(w.Key("scopes"));
                    w.Json.WriteStringValue(random.Chance(0.7) ? "voip" : "chat");
                    if (random.Chance(0.5))
                    {
                        w.Json.WriteStringValue("chat.join");
                    }

                    w.Json.WriteEndArray();
                }

                break;
            case Categories.SmsOperational:
                var messageId = random.NextGuid().ToString();
                var sender = random.Pick(_context.SenderNumbers);
                var numberType = random.NextDouble() switch
                {
                    < 0.7 => "LongCodeNumber",
                    < 0.95 => "ShortCodeNumber",
                    _ => "DynamicAlphaSenderID",
                };
                var country = random.Pick(_countries);
                w.Integer("outgoingMessageLength", random.Next(12, 320));
                w.Integer("incomingMessageLength", 0);
                w.Integer("deliveryAttempts", 0);
                w.Text("phoneNumber", sender);
                w.Text("numberType", numberType);
                w.Text("sdkType", sdkType);
                w.Text("platformType", random.Pick(_platforms));
                w.Text("method", "POST");
                w.Text("messageId", messageId);
                w.Text("country", country);
                return status is >= 200 and < 300 ? new SmsMessage(messageId, sender, numberType, country, time) : null;
            case Categories.CallAutomationOperational:
                w.Text("callConnectionId", random.NextGuid().ToString());
                w.Text("serverCallId", ServerCallId(random));
                w.Text("operationId", random.NextGuid().ToString());
                w.Text("subOperationName", operation.Name switch
                {
                    "Play" => random.Pick(["File", "TextToSpeech", "SSML"]),
                    "Recognize" => random.Pick(["Dtmf", "Speech", "Choices"]),
                    _ => null,
                });
                w.Text("sdkType", sdkType);
                w.Text("sdkVersion", random.Chance(0.2) ? string.Empty : random.Pick(["1.2.0", "1.3.1", "1.4.0-beta.1"]));
                break;
            case Categories.CallRecordingOperational:
                w.Text("callConnectionId", random.NextGuid().ToString());
                w.Text("serverCallId", ServerCallId(random));
                w.Text("sdkType", sdkType);
                w.Text("sdkVersion", random.Pick(["1.2.0", "1.3.1", "1.0.0-alpha.20220829.1"]));
                break;
            case Categories.JobRouterOperational:
                w.Text("sdkType", sdkType);
                w.Text("entityId", random.NextGuid().ToString());
                w.Text("entityType", operation.Name switch
                {
                    var n when n.Contains("Worker", StringComparison.Ordinal) || n.Contains("Offer", StringComparison.Ordinal) => "Workers",
                    var n when n.Contains("Queue", StringComparison.Ordinal) => "Queues",
                    var n when n.Contains("Policy", StringComparison.Ordinal) => n["Upsert".Length..] + "s",
                    _ => "Jobs",
                });
                break;
            case Categories.RoomsOperational:
                w.Text("roomId", (99_000_000_000_000_000L + random.Next(0, int.MaxValue)).ToString(CultureInfo.InvariantCulture));
                if (operation.Name is "CreateRoom" or "PatchRoom")
                {
                    w.Integer("roomLifespan", random.Next(15, 24 * 60));
                    w.Boolean("pstnDialOutEnabled", random.Chance(0.2));
                }

                if (operation.Name is "CreateRoom" or "UpdateParticipants")
                {
                    w.Integer(operation.Name == "CreateRoom" ? "addedRoomParticipantsCount" : "upsertedRoomParticipantsCount", random.Next(1, 12));
                }

                if (operation.Name == "RemoveParticipants")
                {
                    w.Integer("removedRoomParticipantsCount", random.Next(1, 5));
                }

                break;
            case Categories.AdvancedMessagingOperational:
                w.Text("channelId", random.NextGuid().ToString());
                w.Text("messageType", random.Pick(["text", "text", "template", "media"]));
                w.Text("messageStatus", operation.Name == "SendMessageDeliveryStatus"
                    ? random.Pick(["delivered", "read", "sent", "failed"])
                    : random.Pick(["accepted", "received", "sent"]));
                break;
            default:
                w.Text("sdkType", sdkType);
                w.Text("platformType", random.Pick(_platforms));
                w.Text("identity", _context.AcsUser());
                w.Text("routeType", random.Chance(0.7) ? "Any" : "Nearest");
                w.Json.WriteString(w.Key("ttl", "TTL"), random.Next(600, 172_800).ToString(CultureInfo.InvariantCulture));
                break;
        }

        return null;
    }

    private int Status(ApiCategory category, ApiOperation operation, long minute)
    {
        var random = _context.Random;
        var throttle = ThrottleRate + _storm.RateAt(category, minute);
        var server = ServerErrorRate + _outage.RateAt(category, minute);
        var x = random.NextDouble();
        if (x < throttle)
        {
            return 429;
        }

        if (x < throttle + server)
        {
            return random.Pick(ApiCatalog.ServerErrors);
        }

        if (x < throttle + server + ClientErrorRate)
        {
            var code = random.Pick(ApiCatalog.ClientErrors);
            return code == 409 && !operation.Name.StartsWith("Create", StringComparison.Ordinal) ? 400 : code;
        }

        return operation.SuccessCode;
    }

    private double Duration(ApiOperation operation, int status)
    {
        var factor = status switch
        {
            429 => 0.15,
            504 => 12,
            >= 500 => 2.5,
            >= 400 => 0.6,
            _ => 1.0,
        };
        return Math.Max(0.5, _context.Random.LogNormal(operation.MedianMs * factor, 0.55));
    }

    private static string ServerCallId(DeterministicRandom random) => "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29t" + random.Hex(24);

    /// <summary>The status class of a status code, as the roll-ups bucket it.</summary>
    public static string StatusClass(int status) => status switch
    {
        429 => "429",
        >= 200 and < 300 => "2xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "unknown",
    };

    /// <summary>A seeded burst of one status class in one category for a few minutes.</summary>
    private readonly record struct Incident(string? Category, long From, long To, double Rate)
    {
        public static Incident Pick(DeterministicRandom random, int minutes, double rate)
        {
            var category = random.Pick(ApiCatalog.All).Category;
            var length = Math.Max(1, minutes / 12);
            var from = random.Next(0, Math.Max(1, minutes - length));
            return minutes < 10 ? default : new Incident(category, from, from + length, rate);
        }

        public double RateAt(ApiCategory category, long minute) =>
            Category == category.Category && minute >= From && minute < To ? Rate : 0;
    }
}
