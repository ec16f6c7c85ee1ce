using System.Text;
using System.Text.Json.Nodes;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Issue 15, finding 9: payload property names become columns only when the service accepts the name (≤ 255 chars,
/// letters, digits, '_'); anything else stays in the raw payload, the row is flagged, and the batch is never rejected.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ColumnNameLimitTests(AzuriteFixture azurite)
{
    public static readonly TheoryData<string, int, bool> Names = new()
    {
        // the finding's example: a 307-character property name
        { "307 characters", 307, true },
        { "just too long with its suffix room (Payload + 240)", 240, true },
        { "longest accepted (Payload + 239)", 239, false },
        { "5,000 characters", 5_000, true },
        { "short", 8, false },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Ingest_PayloadPropertyName_ColumnOnlyWhenValidElseFlaggedAndKept(string variant, int length, bool flagged)
    {
        var name = "N" + new string('x', length - 1);
        foreach (var asString in new[] { true, false })
        {
            await using var storage = TestStorage.Create(azurite.ConnectionString);
            var payload = new JsonObject { [name] = 1, ["StreamType"] = "Video" };
            var record = new JsonObject
            {
                ["time"] = "2025-06-01T10:00:00Z",
                ["resourceId"] = "/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1",
                ["category"] = "CallClientOperations",
                ["operationName"] = "CreateView",
                ["correlationId"] = "call-" + variant.Length,
                ["properties"] = new JsonObject { ["OperationName"] = "CreateView", ["OperationPayload"] = asString ? payload.ToJsonString() : payload },
            };

            var result = await storage.Pipeline.IngestAsync([new EventBody(Encoding.UTF8.GetBytes(record.ToJsonString()), new Lineage { File = variant })]);

            Assert.Equal((1L, 0L), (result.Stored + result.Unclassified, result.DeadLettered));
            var row = Assert.Single((await storage.AllAsync(TableNames.Records)).Concat(await storage.AllAsync(TableNames.CallRecords)));
            Assert.All(row.Keys, k => Assert.True(k.Length <= EntityLimits.MaxPropertyNameChars, $"column of {k.Length} chars"));
            Assert.Equal(flagged, row.GetBoolean("PayloadNameInvalid") == true);
            Assert.Equal(!flagged, row.ContainsKey("Payload" + name));
            Assert.Equal("Video", row.GetString("PayloadStreamType"));
            Assert.Contains(name, row.GetString("OperationPayload") ?? string.Empty, StringComparison.Ordinal);
            Assert.Contains(name, Encoding.UTF8.GetString((await PayloadColumns.ReadAsync(row, null))!), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("A", true)]
    [InlineData("_a1", true)]
    [InlineData("1a", false)]
    [InlineData("a-b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void IsValidPropertyName_FollowsTheServiceRules(string name, bool valid) =>
        Assert.Equal(valid, EntityLimits.IsValidPropertyName(name));

    [Fact]
    public void Validate_EntityWithAnOverLongPropertyName_SaysWhy()
    {
        var ok = new TableEntity("p", "r") { [new string('a', 255)] = 1 };
        var bad = new TableEntity("p", "r") { [new string('a', 256)] = 1 };

        Assert.Null(EntityLimits.Validate(ok));
        Assert.Contains("256 characters", EntityLimits.Validate(bad), StringComparison.Ordinal);
    }
}
