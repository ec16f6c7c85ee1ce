using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Generation;

/// <summary>
/// What <see cref="SyntheticStream"/> generates. Every choice is drawn from a PRNG seeded by <see cref="Seed"/>
/// and times start at <see cref="Start"/> (derived from the seed when not set), so the same options always
/// produce the same bytes.
/// </summary>
public sealed record GeneratorOptions : IValidatableObject
{
    /// <value>Default 100. Calls (P2P and group) whose summary and diagnostics logs are emitted.</value>
    [Range(0, 10_000_000)]
    public int Calls { get; init; } = 100;

    /// <value>Default 10,000. API-request records across every API category (Auth, Chat, SMS sends, Call Automation, …).</value>
    [Range(0, 100_000_000)]
    public int ApiRequests { get; init; } = 10_000;

    /// <value>Default: <see cref="ApiRequests"/> / 20. Emails sent (each with delivery-status updates and engagement).</value>
    [Range(0, 10_000_000)]
    public int? Emails { get; init; }

    /// <value>Default 60. Minutes the traffic is spread over (later call-log versions and delivery reports may land after them).</value>
    [Range(1, 60 * 24 * 31)]
    public int Minutes { get; init; } = 60;

    /// <value>Default 1. Seed of every random choice.</value>
    public long Seed { get; init; } = 1;

    /// <value>Default: derived from <see cref="Seed"/>. Start of the first minute (UTC, whole minute).</value>
    public DateTimeOffset? Start { get; init; }

    /// <value>Default 0. Share of bodies delivered a second time (as an Event Hubs replay would), a few bodies later.</value>
    [Range(0.0, 1.0)]
    public double Duplicates { get; init; }

    /// <value>Default 0. Share of records held back and delivered after everything else (for windows long past).</value>
    [Range(0.0, 1.0)]
    public double Late { get; init; }

    /// <value>Default 0. Share of bodies made malformed (a broken body, or bad records inside a good one).</value>
    [Range(0.0, 1.0)]
    public double Malformed { get; init; }

    /// <value>Default 0.1. Share of media streams that break at least one quality threshold.</value>
    [Range(0.0, 1.0)]
    public double Poor { get; init; } = 0.1;

    /// <value>Default 0.3. Share of calls logged through the versioned <c>CallSummaryUpdates</c>/<c>CallDiagnosticsUpdates</c> categories.</value>
    [Range(0.0, 1.0)]
    public double Updates { get; init; } = 0.3;

    /// <value>Default 100. Most records in one body.</value>
    [Range(1, 10_000)]
    public int MaxRecordsPerBody { get; init; } = 100;

    /// <value>Default 1,000,000. Most bytes in one body (the Event Hubs event limit is 1 MB).</value>
    [Range(4_096, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; init; } = 1_000_000;

    /// <value>Default <c>ACS-SYNTHETIC</c>. Name of the Communication Services resource the records come from.</value>
    [RegularExpression("^[A-Za-z0-9-]{1,63}$")]
    public string ResourceName { get; init; } = "ACS-SYNTHETIC";

    /// <summary>Emails actually generated.</summary>
    public int EffectiveEmails => Emails ?? ApiRequests / 20;

    /// <summary>The start actually used: <see cref="Start"/>, else a whole day in 2025 picked by the seed.</summary>
    public DateTimeOffset EffectiveStart
    {
        get
        {
            if (Start is { } start)
            {
                var utc = start.ToUniversalTime();
                return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
            }

            var day = (int)(unchecked((ulong)Seed) % 300);
            return new DateTimeOffset(2025, 1, 6, 8, 0, 0, TimeSpan.Zero).AddDays(day);
        }
    }

    /// <summary>Throws <see cref="ValidationException"/> naming every invalid option.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Start is { } start && start.ToUniversalTime().Year is < 1700 or > 9000)
        {
            yield return new ValidationResult("Start must be between the years 1700 and 9000.", [nameof(Start)]);
        }
    }
}
