using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsFunctions.Retention;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Retention;

/// <summary>Helpers of the retention tests: every row's keys per table, and the rows storage actually returned over HTTP.</summary>
internal static class RetentionTestData
{
    /// <summary>The tables retention touches (plus the call index).</summary>
    public static readonly string[] Tables =
        [.. RetentionStep.All.Select(s => s.Table).Distinct(), TableNames.CallRecords, TableNames.AggCallIndex];

    public static Task<RetentionResult> RunAsync(TestStorage storage, bool dryRun = false) =>
        storage.Services.GetRequiredService<RetentionService>().RunAsync(dryRun);

    /// <summary>The API requests counted in a range at an interval (the query reads the coarsest rows that tile it).</summary>
    public static async Task<long> CountAsync(TestStorage storage, DateTimeOffset from, DateTimeOffset to, string interval)
    {
        var result = await Rollups.RollupTestData.QueryAsync(storage, AcsFunctions.Queries.QueryKinds.ApiRequests, from, to, interval);
        return JsonNode.Parse(result.Json)!.AsArray().Sum(r => r!["count"]!.GetValue<long>());
    }

    /// <summary>Every row's <c>table/PartitionKey/RowKey</c>.</summary>
    public static async Task<HashSet<string>> KeysAsync(TestStorage storage)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            foreach (var row in await storage.AllAsync(table))
            {
                keys.Add($"{table}/{row.PartitionKey}/{row.RowKey}");
            }
        }

        return keys;
    }

    /// <summary>
    /// True when a row (<c>table/PartitionKey/RowKey</c>) lies in the expired range of its table and tier: its partition
    /// starts before the cutoff. Every other row is younger than its setting (or not under a time-keyed setting).
    /// </summary>
    public static bool Expired(string key, DateTimeOffset now, RetentionOptions options)
    {
        var parts = key.Split('/');
        return RetentionStep.All.Any(s => s.Table == parts[0] && s.TimeOf(parts[1], parts[2]) is { } t && t < s.Cutoff(now, options));
    }

    /// <summary>Bulk-writes rows (transactions of 100 per partition).</summary>
    public static async Task WriteAsync(TestStorage storage, string table, IEnumerable<TableEntity> rows)
    {
        var client = storage.Table(table);
        await client.CreateIfNotExistsAsync();
        foreach (var batch in rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)))
        {
            await client.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        }
    }
}

/// <summary>
/// Rows returned by storage, counted from the HTTP responses themselves (independently of what the code under test
/// counts): per physical table, the PartitionKey of every row of every query page.
/// </summary>
internal sealed class ReturnedRows
{
    private readonly ConcurrentQueue<(string Table, string PartitionKey)> _rows = new();

    public bool Recording { get; set; }

    public IReadOnlyList<(string Table, string PartitionKey)> Rows => [.. _rows];

    public void Attach(StorageFaults faults) => faults.AfterSend = (request, response) =>
    {
        if (!Recording || request.Method != HttpMethod.Get || !response.IsSuccessStatusCode || response.Content is null)
        {
            return;
        }

        var path = request.RequestUri!.AbsolutePath;
        var table = path.Split('/').Last(p => p.Length > 0);
        table = table.Contains('(') ? table[..table.IndexOf('(')] : table;
        response.Content.LoadIntoBufferAsync().GetAwaiter().GetResult();
        using var document = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("value", out var value))
        {
            foreach (var row in value.EnumerateArray())
            {
                _rows.Enqueue((table, row.GetProperty("PartitionKey").GetString()!));
            }
        }
        else if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("PartitionKey", out var single))
        {
            _rows.Enqueue((table, single.GetString()!));
        }
    };
}
