using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Queries;

/// <summary>
/// A part of a query's range older than the cutoff retention has been deleting below, at the tier the query reads it
/// from: some or all of its rows may be gone (retention records the cutoff before it deletes, and its guards and per-run
/// bound keep rows below it for a while), so a missing row there is not zero traffic. <paramref name="Setting"/> names the
/// retention setting (<c>MinuteAggregates</c>, <c>HourlyAggregates</c>, <c>DailyAggregates</c>).
/// </summary>
public sealed record ExpiredWindow(string Table, string Tier, string Setting, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Finds the parts of a query's range whose rows retention may have deleted, from the cutoffs retention recorded
/// (<c>RetentionState</c>'s <c>trimmed|</c> rows: the cutoff per table and tier, whatever settings the deleting host had;
/// one RowKey range of one partition), not from this host's settings: a <c>PT1M</c> query older than <c>MinuteAggregates</c>, or the unaligned edge of a <c>PT1H</c>/<c>P1D</c> one,
/// reads minute rows that are gone, and an empty answer there read as "no traffic".
/// </summary>
public sealed class ExpiredWindows(AcsStorage storage, IOptions<QueryOptions>? options = null)
{
    private readonly TierReads _reads = QueryOptions.ReadsOf(options);

    /// <summary>The parts, older than retention's cutoffs, of the ranges <paramref name="parameters"/> reads from the windowed aggregate <paramref name="tables"/>, earliest first.</summary>
    public async Task<IReadOnlyList<ExpiredWindow>> ReadAsync(QueryParameters parameters, IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tables);
        var tiered = tables.Where(t => CoarseTiers.Tables.Contains(t)).ToList();
        if (tiered.Count == 0)
        {
            return [];
        }

        var state = await RetentionState.LoadTrimmedAsync(storage, cancellationToken);
        var expired = new List<ExpiredWindow>();
        foreach (var (tier, from, to) in AggregateQuery.TierRanges(parameters, _reads.Coarse))
        {
            foreach (var table in tiered)
            {
                var cutoff = state.TrimmedBefore(table, tier);
                if (from < cutoff && RetentionStep.All.FirstOrDefault(s => s.Table == table && s.Tier == tier) is { } step)
                {
                    expired.Add(new ExpiredWindow(table, tier, step.Setting, from, to < cutoff ? to : cutoff));
                }
            }
        }

        return [.. expired.OrderBy(e => e.From).ThenBy(e => e.Table, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The parts as both hosts and the CLI name them: the tables of one tier and setting that share a start merged into
    /// one part ending at the latest end, earliest first. A range unaligned at both ends keeps its two edges apart, so
    /// the kept middle is never claimed.
    /// </summary>
    public static IEnumerable<(string Tier, string Setting, DateTimeOffset From, DateTimeOffset To)> Parts(IReadOnlyList<ExpiredWindow> expired)
    {
        ArgumentNullException.ThrowIfNull(expired);
        return expired
            .GroupBy(e => (e.Tier, e.Setting, e.From))
            .OrderBy(g => g.Key.From)
            .ThenBy(g => g.Key.Tier, StringComparer.Ordinal)
            .Select(g => (g.Key.Tier, g.Key.Setting, g.Key.From, g.Max(e => e.To)));
    }
}
