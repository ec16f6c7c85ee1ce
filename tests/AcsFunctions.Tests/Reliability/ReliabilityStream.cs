using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// The synthetic stream the reliability attacks replay: calls with *Updates versions, API traffic, email and SMS,
/// some malformed records, generator duplicates and late records — small enough to ingest many times in a test run.
/// </summary>
public static class ReliabilityStream
{
    /// <summary>Bodies per ingest call (an Event Hubs batch).</summary>
    public const int BodiesPerBatch = 25;

    /// <summary>The generator settings.</summary>
    public static readonly GeneratorOptions Options = new()
    {
        Calls = 16,
        ApiRequests = 700,
        Emails = 40,
        Minutes = 5,
        Seed = 61,
        Malformed = 0.05,
        Duplicates = 0.1,
        Late = 0.1,
        Updates = 0.5,
    };

    /// <summary>The tables the roll-up writes.</summary>
    public static readonly string[] AggregateTables =
    [
        TableNames.AggApiRequests, TableNames.AggCalls, TableNames.AggCallIndex, TableNames.AggCallWindows,
        TableNames.AggStreamQuality, TableNames.AggEmailDelivery, TableNames.AggEmailEngagement, TableNames.AggUsage,
    ];

    private static readonly Lazy<(IReadOnlyList<EventBody> Bodies, IReadOnlyList<bool> Late, int Units)> _stream = new(() =>
    {
        var stream = SyntheticStream.Create(Options);
        var generated = stream.Bodies().ToList();
        return (generated.Select(b => b.ToEventBody()).ToList(), generated.Select(b => b.Late).ToList(), checked((int)stream.Summary.Units));
    });

    private static readonly Dictionary<string, Task<CleanRun>> _clean = new(StringComparer.Ordinal);

    /// <summary>The stream's event bodies, in delivery order.</summary>
    public static IReadOnlyList<EventBody> Bodies => _stream.Value.Bodies;

    /// <summary>Per body of <see cref="Bodies"/>: true when it carries records held back for windows long past.</summary>
    public static IReadOnlyList<bool> Late => _stream.Value.Late;

    /// <summary>Units (records and dead bodies) the stream holds.</summary>
    public static int Units => _stream.Value.Units;

    /// <summary>Ingests <paramref name="bodies"/> in batches of <see cref="BodiesPerBatch"/>, one after another.</summary>
    public static async Task<IngestResult> IngestAsync(TestStorage storage, IEnumerable<EventBody> bodies, CancellationToken cancellationToken = default)
    {
        var total = new IngestResult();
        foreach (var batch in bodies.Chunk(BodiesPerBatch))
        {
            total = total.Add(await storage.Pipeline.IngestAsync(batch, cancellationToken));
        }

        return total;
    }

    /// <summary>
    /// The tables a clean, in-order ingest of the stream leaves, and the aggregates one roll-up of it then writes
    /// (computed once per Azurite).
    /// </summary>
    public static Task<CleanRun> CleanRunAsync(string connectionString)
    {
        lock (_clean)
        {
            if (!_clean.TryGetValue(connectionString, out var snapshot))
            {
                snapshot = TakeCleanSnapshotAsync(connectionString);
                _clean[connectionString] = snapshot;
            }

            return snapshot;
        }
    }

    private static async Task<CleanRun> TakeCleanSnapshotAsync(string connectionString)
    {
        await using var storage = TestStorage.Create(connectionString);
        var result = await IngestAsync(storage, Bodies);
        Assert.True(result.Reconciles);
        Assert.True(result.DeadLettered > 0, "the stream should hold malformed records");
        var tables = await SnapshotAsync(storage);
        var aggregates = await RollUpAsync(storage);
        Assert.Contains(aggregates, r => r.StartsWith(TableNames.AggCalls + "|", StringComparison.Ordinal));
        Assert.Contains(aggregates, r => r.StartsWith(TableNames.AggApiRequests + "|", StringComparison.Ordinal));
        return new CleanRun(tables, aggregates);
    }

    /// <summary>Runs the roll-up over every pending mark and returns the aggregate tables as sorted rows.</summary>
    public static async Task<List<string>> RollUpAsync(TestStorage storage)
    {
        var run = await storage.Services.GetRequiredService<RollupService>().RunAsync();
        Assert.Equal(0, run.Failed);
        return await TableSnapshot.TakeAsync(storage, AggregateTables);
    }

    /// <summary>
    /// The ingestion tables as sorted rows. Roll-up marks are compared by their keys only: a mark says "recompute
    /// this partition"; its other columns (time, token, the last record's category and minute) describe the last write.
    /// </summary>
    public static async Task<List<string>> SnapshotAsync(TestStorage storage)
    {
        var rows = await TableSnapshot.TakeAsync(storage, [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters]);
        rows.AddRange(await TableSnapshot.TakeAsync(storage, [TableNames.RollupPending], "Category", "MarkedAt", "ResourceKey", "Token", "Window"));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Row counts per table and the first differing rows, for a readable failure message.</summary>
    public static string Describe(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).FirstOrDefault();
        var extra = actual.Except(expected, StringComparer.Ordinal).FirstOrDefault();
        return $"expected {Counts(expected)}; got {Counts(actual)}; missing {Clip(missing)}; unexpected {Clip(extra)}";
    }

    private static string Counts(IEnumerable<string> rows) =>
        string.Join(", ", rows.GroupBy(r => r[..r.IndexOf('|', StringComparison.Ordinal)]).Select(g => $"{g.Key} {g.Count()}"));

    private static string Clip(string? row) => row is null ? "(none)" : row.Length > 600 ? row[..600] + "…" : row;
}
