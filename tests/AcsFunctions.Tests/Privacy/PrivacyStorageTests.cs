using System.Text.Json;
using AcsFunctions.Dispatch;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Privacy;

[Collection(AzuriteCollection.Name)]
public sealed class PrivacyStorageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ingest_PersonalDataInEveryClassifiedField_NoRawValueInAnyTableOrBlob()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        var result = await storage.Pipeline.IngestAsync(PersonalDataSamples.Bodies());

        Assert.True(result.Reconciles);
        Assert.True(result.DeadLettered >= 3, $"expected the dead-letter samples, got {result.DeadLettered}");
        // The samples really exercise every storage form.
        var records = (await storage.AllAsync(TableNames.Records)).Concat(await storage.AllAsync(TableNames.CallRecords)).ToList();
        Assert.Contains(records, e => e.ContainsKey(PayloadColumns.GzipChunks));
        Assert.Contains(records, e => e.ContainsKey(PayloadColumns.Blob));
        Assert.Contains(records, e => e.GetString("Category") == "ContosoFutureOperational");

        var dump = await StorageDump.AllAsync(storage);
        Assert.Contains(dump, d => d.Where.StartsWith("blob ", StringComparison.Ordinal));
        Assert.Contains(dump, d => d.Where.StartsWith(TableNames.DeadLetters, StringComparison.Ordinal));
        var leaks = (from item in dump
                     from needle in PersonalDataSamples.Needles
                     where item.Text.Contains(needle, StringComparison.OrdinalIgnoreCase)
                     select $"{needle} in {item.Where}").Distinct().ToList();
        Assert.True(leaks.Count == 0, "raw personal data stored:\n" + string.Join('\n', leaks));
    }

    [Fact]
    public async Task Ingest_SameKeyTwice_IdentityHashesAlikeAcrossCategoriesAndRuns_OtherKeyDiffers()
    {
        var first = await IdentifiersAsync(TestStorage.TestKey);
        var second = await IdentifiersAsync(TestStorage.TestKey);
        var other = await IdentifiersAsync("another-privacy-key-fedcba9876543210");

        Assert.Equal(2, first.Count);
        var hash = Assert.Single(first.Values.Distinct());
        Assert.Matches("^h:[0-9a-f]{24}$", hash);
        // Known answer, computed outside .NET: printf '%s' 'acs:11111111-…-0d00e5b6f7a8' (the identity lower-cased,
        // without "8:") | openssl dgst -sha256 -hmac 'test-privacy-key-0123456789abcdef', first 24 hex characters.
        Assert.Equal("h:819308494eae40626fe4412f", hash);
        Assert.Equal(first, second);
        Assert.NotEqual(hash, other[Categories.CallSummary]);
        Assert.Equal(other[Categories.CallSummary], other[Categories.CallDiagnostics]);
    }

    private async Task<Dictionary<string, string>> IdentifiersAsync(string key)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Privacy:HashKey"] = key });
        await storage.Pipeline.IngestAsync([PersonalDataSamples.CallBody()]);
        var rows = (await storage.AllAsync(TableNames.Records)).Concat(await storage.AllAsync(TableNames.CallRecords));
        var identifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            using var raw = JsonDocument.Parse(row.GetString(PayloadColumns.Raw)!);
            var identifier = raw.RootElement.GetProperty("properties").GetProperty("identifier").GetString()!;
            if (row.GetString("Identifier") is { } column)
            {
                Assert.Equal(identifier, column); // the typed column (once a handler adds it) carries the same hash
            }

            identifiers[row.GetString("Category")!] = identifier;
        }

        return identifiers;
    }
}
