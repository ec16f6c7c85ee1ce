using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// Pins what the CPU half produces for fixed input — every row's table, keys and columns, every dead letter and
/// every roll-up mark — against a file written from the code before the throughput work of issue 18. Row keys must
/// not change across versions (re-delivery stays an idempotent upsert), and the privacy output and dead letters must
/// stay the same while the per-record work is removed. Regenerate only for an intended, documented change:
/// <c>ACS_WRITE_GOLDEN=1 dotnet test --filter PreparedRowsGoldenTests</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PreparedRowsGoldenTests(AzuriteFixture azurite)
{
    private const string GoldenFile = "tests/AcsFunctions.Tests/TestData/golden/prepared-rows.txt";

    [Fact]
    public async Task Prepare_SeedSamplesAndAGeneratedStream_ProducesTheSameRowsDeadLettersAndMarksAsBefore()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = new List<EventBody>();
        foreach (var file in Directory.GetFiles(Samples.Path("samples"), "*.json").Order(StringComparer.Ordinal))
        {
            bodies.Add(Samples.Body(Path.GetFileName(file)));
        }

        var odd = new GeneratorOptions { Calls = 6, ApiRequests = 300, Emails = 40, Minutes = 4, Seed = 18, Malformed = 0.5, Duplicates = 0.2 };
        bodies.AddRange(SyntheticStream.Create(odd).Bodies().Select(b => b.ToEventBody()));

        var state = storage.Pipeline.Preparer.Prepare(bodies, parallelism: 1).State;
        var lines = new List<string>();
        lines.AddRange(state.Pending.Select(p => "row " + Describe(p.Write)));
        lines.AddRange(state.DeadLetters.Select(d => "dead " + Describe(d)));
        lines.AddRange(state.Marks.Values.Select(m => "mark " + Describe(new TableWrite("marks", m))).Order(StringComparer.Ordinal));

        var actual = string.Join('\n', lines) + "\n";
        var path = Path.Combine(RepositoryPaths.Root, GoldenFile);
        if (Environment.GetEnvironmentVariable("ACS_WRITE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(path, actual);
        }

        var expected = (await File.ReadAllTextAsync(path)).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var got = actual.Split('\n');
        Assert.True(state.Pending.Count > 100 && state.DeadLetters.Count > 10, "the input exercises rows and dead letters");
        for (var i = 0; i < Math.Min(expected.Length, got.Length); i++)
        {
            Assert.True(expected[i] == got[i], $"line {i + 1} differs:\nexpected: {expected[i]}\nactual:   {got[i]}");
        }

        Assert.Equal(expected.Length, got.Length);
    }

    // Table, keys, and a digest of every other column (except the marks' random token), in key order.
    private static string Describe(TableWrite write)
    {
        var columns = string.Join("|", write.Entity
            .Where(p => p.Key is not ("Token" or "PartitionKey" or "RowKey"))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + (p.Value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(p.Value, CultureInfo.InvariantCulture))));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(columns)))[..16];
        return $"{write.Table} {write.Entity.PartitionKey} {write.Entity.RowKey} {digest}";
    }
}
