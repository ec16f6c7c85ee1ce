using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Drift;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Issue 15, finding 10: JSON keys that are personal data (e-mail addresses, phone numbers, IP addresses) go through
/// the privacy policy like values: they are neither logged (drift warnings) nor stored (schema rows, record payloads)
/// raw.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class PersonalFieldNameTests(AzuriteFixture azurite)
{
    private const string Baseline = """{"time":"2025-06-01T10:00:00Z","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","operationName":"SendChatMessage","category":"ChatOperational","resultSignature":"201","correlationId":"c-1","properties":{"SdkType":"js"}}""";

    public static readonly TheoryData<string, string, string> Keys = new()
    {
        // name, record, the personal text that must not appear
        { "e-mail as a top-level key (the example)", Baseline.Replace("\"category\"", "\"alice.smith@contoso.com\":1,\"category\""), "alice.smith@contoso.com" },
        { "phone number as a properties key", Baseline.Replace("\"SdkType\"", "\"+14255550123\":\"x\",\"SdkType\""), "14255550123" },
        { "IPv4 address as a properties key", Baseline.Replace("\"SdkType\"", "\"198.51.100.23\":true,\"SdkType\""), "198.51.100.23" },
        { "IPv6 address as a key", Baseline.Replace("\"category\"", "\"2001:db8:85a3::8a2e:370:7334\":0,\"category\""), "2001:db8:85a3::8a2e:370:7334" },
        { "e-mail key inside properties sent as a string", Baseline.Replace("{\"SdkType\":\"js\"}", "\"{\\\"bob@fabrikam.com\\\":1,\\\"SdkType\\\":\\\"js\\\"}\""), "bob@fabrikam.com" },
        { "e-mail key in an unknown category", Baseline.Replace("ChatOperational", "SomethingNew").Replace("\"category\"", "\"carol@contoso.com\":1,\"category\""), "carol@contoso.com" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Ingest_PersonalDataAsFieldName_NotLoggedNotStoredNotServedRaw(string variant, string record, string personal)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:TablePrefix"] = prefix,
            ["AcsFunctions:Storage:PayloadContainer"] = prefix,
            ["AcsFunctions:Drift:StatsWriteInterval"] = "00:00:00",
        };
        await using var storage = TestStorage.Create(azurite.ConnectionString, settings, s => s.AddSingleton<ILoggerProvider>(logs));

        await storage.Pipeline.IngestAsync([Body(Baseline, variant)]);
        var result = await storage.Pipeline.IngestAsync([Body(record, variant)]);

        Assert.Equal(0, result.DeadLettered);
        var store = storage.Services.GetRequiredService<SchemaStore>();
        var category = record.Contains("SomethingNew", StringComparison.Ordinal) ? "SomethingNew" : "ChatOperational";
        var fields = await store.AllFieldsAsync(category);
        var drift = await store.DriftAsync(category);
        Assert.NotEmpty(fields);
        Assert.DoesNotContain(fields, f => f.Any(p => (p.Key + "=" + p.Value).Contains(personal, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(drift, d => (d.Field + d.Detail).Contains(personal, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(personal, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(drift, d => d.Change == (category == "SomethingNew" ? DriftChange.NewCategory : DriftChange.NewField)); // still reported, scrubbed
        foreach (var row in (await storage.AllAsync(TableNames.Records)).Where(r => r.GetString("RecordId") is not null))
        {
            var payload = Encoding.UTF8.GetString((await PayloadColumns.ReadAsync(row, null))!);
            Assert.DoesNotContain(personal, payload, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(personal, string.Join("|", row.Keys), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static EventBody Body(string json, string file) => new(Encoding.UTF8.GetBytes(json), new Lineage { File = file });
}
