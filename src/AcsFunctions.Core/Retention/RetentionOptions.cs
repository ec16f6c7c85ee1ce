using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Retention;

/// <summary>
/// How long each table keeps its rows, bound from the <c>AcsFunctions:Retention</c> configuration section
/// (environment variables <c>AcsFunctions__Retention__…</c>, TimeSpan values such as <c>30.00:00:00</c>). Every age is
/// measured from the time in the row's partition key (event time, call start, enqueued day, ingest hour) to now; a
/// partition is deleted only when all of it is older than its setting. Validated at start-up.
/// </summary>
public sealed class RetentionOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Retention";

    private const string MinAge = "1.00:00:00";
    private const string MaxAge = "3650.00:00:00";
    private const string AgeError = "AcsFunctions:Retention:{0} must be between 1 day and 10 years (a TimeSpan such as 30.00:00:00).";

    /// <value>Default true. False: the roll-up timer never deletes anything (<c>acs-diag retention</c> still can).</value>
    public bool Enabled { get; set; } = true;

    /// <value>Default 30 days. Raw records (<c>Records</c>, with their payload blobs), by event minute.</value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan Records { get; set; } = TimeSpan.FromDays(30);

    /// <value>
    /// Default 30 days. Call records (<c>CallRecords</c>), the per-call rows (<c>AggCalls</c>, the <c>calls</c> query) and
    /// their index (<c>AggCallIndex</c>), by call start.
    /// </value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan CallRecords { get; set; } = TimeSpan.FromDays(30);

    /// <value>Default 14 days. Minute rows of the windowed aggregate tables (kept until their hour and day rows exist).</value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan MinuteAggregates { get; set; } = TimeSpan.FromDays(14);

    /// <value>Default 93 days. Hourly rows (<c>H</c> partitions; kept until their day rows exist).</value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan HourlyAggregates { get; set; } = TimeSpan.FromDays(93);

    /// <value>Default 2 years (730 days). Daily rows (<c>D</c> partitions).</value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan DailyAggregates { get; set; } = TimeSpan.FromDays(730);

    /// <value>Default 30 days. Dead letters (with their payload blobs), by the day they were enqueued.</value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan DeadLetters { get; set; } = TimeSpan.FromDays(30);

    /// <value>
    /// Default 93 days. Pipeline-health counters (<c>IngestHealth</c>), by ingest hour; and the roll-up's <c>late</c>
    /// marks (shown by health), by the time they were last made.
    /// </value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan IngestHealth { get; set; } = TimeSpan.FromDays(93);

    /// <value>Default 93 days. Stored reconciliation results (<c>Reconciliation</c>), by reconciled hour.</value>
    [Range(typeof(TimeSpan), MinAge, MaxAge, ErrorMessage = AgeError)]
    public TimeSpan Reconciliation { get; set; } = TimeSpan.FromDays(93);

    /// <value>
    /// Default 1 hour. How often the roll-up timer runs retention (a run that stopped at <see cref="MaxRowsPerTable"/>
    /// continues on the next timer run).
    /// </value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <value>
    /// Default 5,000. Rows one run reads (and so deletes at most) per table and tier; the rest is left for the next run,
    /// which continues after the last row read (rows kept by a guard are not read again until a run reaches the end).
    /// </value>
    [Range(100, 1_000_000)]
    public int MaxRowsPerTable { get; set; } = 5_000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinuteAggregates > HourlyAggregates || HourlyAggregates > DailyAggregates)
        {
            yield return new ValidationResult(
                $"AcsFunctions:Retention: coarser aggregates must be kept at least as long as finer ones " +
                $"(MinuteAggregates {MinuteAggregates.TotalDays:0.##} d ≤ HourlyAggregates {HourlyAggregates.TotalDays:0.##} d ≤ DailyAggregates {DailyAggregates.TotalDays:0.##} d); " +
                "otherwise a query would fall back to rows that are already gone.",
                [nameof(MinuteAggregates), nameof(HourlyAggregates), nameof(DailyAggregates)]);
        }

        if (MinuteAggregates > Records || MinuteAggregates > CallRecords)
        {
            yield return new ValidationResult(
                $"AcsFunctions:Retention: raw rows must be kept at least as long as minute aggregates " +
                $"(MinuteAggregates {MinuteAggregates.TotalDays:0.##} d ≤ Records {Records.TotalDays:0.##} d and ≤ CallRecords {CallRecords.TotalDays:0.##} d); " +
                "otherwise late data for an hour whose minute rows are gone cannot be recomputed exactly from its records.",
                [nameof(MinuteAggregates), nameof(Records), nameof(CallRecords)]);
        }
    }
}
