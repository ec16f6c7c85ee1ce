using AcsFunctions.Storage;
using Azure;
using Azure.Data.Tables;

namespace AcsFunctions.Cli.Send;

/// <summary>What <c>acs-diag verify</c> found: units stored as rows, dead-lettered, and still missing.</summary>
internal sealed record VerifyResult(int Expected, int Stored, int DeadLettered, IReadOnlyList<ExpectedUnit> Missing)
{
    /// <summary>True when every unit of the run is stored or dead-lettered.</summary>
    public bool Complete => Missing.Count == 0;
}

/// <summary>
/// Looks for every unit of a <see cref="RunManifest"/> in the app's tables: a row of <c>Records</c> or <c>CallRecords</c>
/// with its <c>RecordId</c>, or a dead letter whose RowKey ends with its hash.
/// </summary>
internal sealed class RunVerifier(AcsStorage storage)
{
    /// <summary>Reads the tables once and classifies every unit.</summary>
    public async Task<VerifyResult> CheckAsync(RunManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var recordIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords })
        {
            await foreach (var value in ColumnAsync(table, "RecordId", cancellationToken))
            {
                recordIds.Add(value);
            }
        }

        var deadLetterHashes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var rowKey in ColumnAsync(TableNames.DeadLetters, "RowKey", cancellationToken))
        {
            deadLetterHashes.Add(rowKey[(rowKey.LastIndexOf('|') + 1)..]);
        }

        int stored = 0, dead = 0;
        var missing = new List<ExpectedUnit>();
        foreach (var unit in manifest.Units)
        {
            if (unit.RecordId is not null && recordIds.Contains(unit.RecordId))
            {
                stored++;
            }
            else if (unit.Hashes.Any(deadLetterHashes.Contains))
            {
                dead++;
            }
            else
            {
                missing.Add(unit);
            }
        }

        return new VerifyResult(manifest.Units.Count, stored, dead, missing);
    }

    /// <summary>Checks until the run is complete or <paramref name="timeout"/> has passed (polling every <paramref name="interval"/>).</summary>
    public async Task<VerifyResult> WaitAsync(RunManifest manifest, TimeSpan timeout, TimeSpan interval, TimeProvider time, IProgress<VerifyResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var result = await CheckAsync(manifest, cancellationToken);
            progress?.Report(result);
            if (result.Complete || time.GetUtcNow() >= deadline)
            {
                return result;
            }

            await Task.Delay(interval, time, cancellationToken);
        }
    }

    private async IAsyncEnumerable<string> ColumnAsync(string logicalTable, string column, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = storage.GetTable(logicalTable);
        var rows = table.QueryAsync<TableEntity>(select: [column], cancellationToken: cancellationToken);
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                yield break;
            }

            if (enumerator.Current.GetString(column) is { } value)
            {
                yield return value;
            }
        }
    }
}
