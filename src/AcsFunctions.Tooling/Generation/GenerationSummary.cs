namespace AcsFunctions.Generation;

/// <summary>
/// What a synthetic stream holds, i.e. what ingesting it must produce: <see cref="Units"/> and
/// <see cref="DeadLetterUnits"/> are what the pipeline's counts will say (re-deliveries included); the
/// <c>Distinct*</c> counts are the rows the tables must end up with (re-deliveries are idempotent);
/// <see cref="Facts"/> count the ground truth the roll-ups must reproduce (for call logs, from the latest
/// version per logical key).
/// </summary>
public sealed record GenerationSummary
{
    /// <summary>Bodies delivered (re-deliveries included).</summary>
    public long Bodies { get; init; }

    /// <summary>Bytes delivered.</summary>
    public long Bytes { get; init; }

    /// <summary>Bodies delivered twice.</summary>
    public long DuplicateBodies { get; init; }

    /// <summary>Bodies holding late records (delivered after everything else).</summary>
    public long LateBodies { get; init; }

    /// <summary>Records held back and delivered late.</summary>
    public long LateRecords { get; init; }

    /// <summary>Bodies with a malformation (broken whole, or carrying bad records).</summary>
    public long MalformedBodies { get; init; }

    /// <summary>Units the pipeline counts (<c>IngestResult.Records</c>), re-deliveries included.</summary>
    public long Units { get; init; }

    /// <summary>Units the pipeline dead-letters (<c>IngestResult.DeadLettered</c>), re-deliveries included.</summary>
    public long DeadLetterUnits { get; init; }

    /// <summary>Distinct records stored (rows of the records and call-records tables).</summary>
    public long DistinctRecords { get; init; }

    /// <summary>Distinct dead letters (rows of the dead-letter table).</summary>
    public long DistinctDeadLetters { get; init; }

    /// <summary>Distinct stored records per canonical category.</summary>
    public IReadOnlyDictionary<string, long> RecordsByCategory { get; init; } = new SortedDictionary<string, long>();

    /// <summary>Distinct dead letters per reason.</summary>
    public IReadOnlyDictionary<string, long> DeadLettersByReason { get; init; } = new SortedDictionary<string, long>();

    /// <summary>
    /// Ground-truth counts of stored records: <c>status:2xx|4xx|429|5xx</c> (API requests), <c>sms:Delivered|Failed|Blocked|…</c>,
    /// <c>email:sent|Delivered|Failed|hard-bounce|View|Click|…</c>, <c>usage:Audio|Video|PSTN</c>, and from the latest version of each
    /// call record <c>end:&lt;ResultCategory&gt;</c>, <c>dropped</c>, <c>endpoint:&lt;type&gt;</c>, <c>cross-tenant</c>, <c>calls:P2P|Group</c> (distinct calls
    /// with a stored summary), <c>calls:no-summary</c> (distinct calls with stored diagnostics only: every summary was dead-lettered),
    /// <c>media:&lt;type&gt;</c>, <c>direction:Inbound|Outbound</c>.
    /// </summary>
    public IReadOnlyDictionary<string, long> Facts { get; init; } = new SortedDictionary<string, long>();

    /// <summary>
    /// Distinct calls with at least one stored call record (summary or diagnostics): the calls the roll-up shows. A call
    /// whose summaries were all dead-lettered still counts (fact <c>calls:no-summary</c>), so
    /// <c>calls:P2P + calls:Group + calls:no-summary</c> = <see cref="Calls"/>.
    /// </summary>
    public long Calls { get; init; }

    /// <summary>Distinct logical media streams stored.</summary>
    public long Streams { get; init; }

    /// <summary>Of <see cref="Streams"/>, those breaking at least one quality threshold.</summary>
    public long PoorStreams { get; init; }

    /// <summary>Poor streams per broken threshold (a stream can break two).</summary>
    public IReadOnlyDictionary<string, long> PoorStreamsByReason { get; init; } = new SortedDictionary<string, long>();

    /// <summary>A fact's count (0 when absent).</summary>
    public long Fact(string name) => Facts.TryGetValue(name, out var count) ? count : 0;
}
