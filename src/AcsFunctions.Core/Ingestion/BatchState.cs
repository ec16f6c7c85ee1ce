using Azure.Data.Tables;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>A record's row waiting to be written, with what its dead letter would need if the service refused it.</summary>
internal sealed class PendingRecord(TableWrite write, string category, bool unclassified, DateTimeOffset time, Lineage lineage)
{
    /// <summary>The row; <c>default</c> once released (written, and no longer needed to match a refusal).</summary>
    public TableWrite Write { get; private set; } = write;

    public string Category { get; } = category;

    public bool Unclassified { get; } = unclassified;

    public DateTimeOffset Time { get; } = time;

    public Lineage Lineage { get; } = lineage;

    public bool Rejected { get; set; }

    /// <summary>Drops the reference to the written row (its memory), keeping what the counts need.</summary>
    public void Release() => Write = default;
}

/// <summary>
/// Everything a batch (or one thread's part of it) produced while being prepared: the rows to write, the dead letters,
/// the roll-up marks, the payloads to move to blobs, the counts and what the observers saw. Filled by the preparation
/// stages, then read by the write and finish stages.
/// </summary>
internal sealed class BatchState(DateTimeOffset now)
{
    public DateTimeOffset Now { get; } = now;

    public int Units { get; set; }

    /// <summary>Bodies decoded: one per body, or one per non-blank line of an NDJSON body (see <see cref="DecodedBody.Bodies"/>).</summary>
    public int Bodies { get; set; }

    public List<PendingRecord> Pending { get; } = [];

    public List<TableWrite> DeadLetters { get; } = [];

    public Dictionary<string, int> DeadByReason { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Kind, string PartitionKey), TableEntity> Marks { get; } = [];

    /// <summary>The record partitions this batch (or part) met: their keys, made once each, and whether they are marked.</summary>
    public RecordPartitions Partitions { get; } = new();

    public Dictionary<TableEntity, byte[]> Offload { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>What each observer saw of this batch, counted when the batch is committed.</summary>
    public IIngestObservation[] Observations { get; private set; } = [];

    /// <summary>
    /// Every observation to commit, in input order: <see cref="Observations"/> alone, or after a preparation on
    /// several threads each part's (one per observer per part, each fed by one thread).
    /// </summary>
    public IIngestObservation[] AllObservations { get; private set; } = [];

    /// <summary>Starts this batch's (or part's) observations.</summary>
    public BatchState Observe(IIngestObserver[] observers)
    {
        Observations = Array.ConvertAll(observers, o => o.StartBatch());
        AllObservations = Observations;
        return this;
    }

    /// <summary>Appends a part prepared on its own (the bodies after this batch's).</summary>
    public void Merge(BatchState part)
    {
        Units += part.Units;
        Bodies += part.Bodies;
        Pending.AddRange(part.Pending);
        DeadLetters.AddRange(part.DeadLetters);
        foreach (var (reason, count) in part.DeadByReason)
        {
            DeadByReason[reason] = DeadByReason.GetValueOrDefault(reason) + count;
        }

        foreach (var (key, mark) in part.Marks)
        {
            Marks.TryAdd(key, mark);
        }

        foreach (var (entity, bytes) in part.Offload)
        {
            Offload[entity] = bytes;
        }

        // Later units of the batch (a record the service refuses at commit) are reported to the first part's
        // observations; every part's are committed, in order.
        if (Observations.Length == 0)
        {
            Observations = part.Observations;
        }

        AllObservations = [.. AllObservations, .. part.Observations];
    }

    public IngestResult ToResult()
    {
        var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int stored = 0, unclassified = 0;
        foreach (var p in Pending)
        {
            if (p.Rejected)
            {
                continue;
            }

            byCategory[p.Category] = byCategory.GetValueOrDefault(p.Category) + 1;
            if (p.Unclassified)
            {
                unclassified++;
            }
            else
            {
                stored++;
            }
        }

        return new IngestResult
        {
            Bodies = Bodies,
            Records = Units,
            Stored = stored,
            Unclassified = unclassified,
            DeadLettered = DeadByReason.Values.Sum(),
            ByCategory = byCategory,
            DeadLetteredByReason = new SortedDictionary<string, int>(DeadByReason, StringComparer.Ordinal),
        };
    }
}
