using AcsFunctions.Cli.Commands;
using AcsFunctions.Queries;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// <c>acs-diag query</c> says when the first or last row of a windowed answer holds only part of its window (a range that
/// starts or ends inside a PT5M/PT1H/P1D window), which otherwise reads as a quiet window.
/// </summary>
public sealed class QueryPartialRowsNoteTests
{
    [Theory]
    [InlineData("2026-11-20T10:00Z", "2026-11-20T13:00Z", "PT1H")]
    [InlineData("2026-11-20T10:37:30Z", "2026-11-20T12:15Z", "PT1M")] // minutes are whole rows (from rounds up to 10:38)
    [InlineData("2026-11-18T00:00Z", "2026-11-20T00:00Z", "P1D")]
    [InlineData("2026-11-20T10:05Z", "2026-11-20T10:20Z", "PT5M")]
    [InlineData("2026-11-20T10:30Z", "2026-11-20T10:30Z", "PT1H")] // no minute in range
    public void Whole_windows_or_minutes_need_no_note(string from, string to, string interval) =>
        Assert.Null(QueryCommand.PartialRowsNote(Query(from, to, interval)));

    [Fact]
    public void A_range_inside_windows_at_both_ends_names_both_partial_rows()
    {
        var note = QueryCommand.PartialRowsNote(Query("2026-11-20T10:37Z", "2026-11-20T12:15Z", "PT1H"));
        Assert.Equal(
            "note: the range does not start and end on whole PT1H windows: the first row (2026-11-20T10:00Z) counts 2026-11-20T10:37Z to 2026-11-20T11:00Z only, "
            + "the last row (2026-11-20T12:00Z) counts 2026-11-20T12:00Z to 2026-11-20T12:15Z only; a partial row reads quieter than its window was. "
            + "Give --from and --to on whole windows to compare rows.",
            note);
    }

    [Fact]
    public void Only_the_end_inside_a_window_names_the_last_row_and_seconds_round_up_to_the_minute_the_rows_start_at()
    {
        var note = QueryCommand.PartialRowsNote(Query("2026-11-18T00:00Z", "2026-11-20T06:00:20Z", "P1D"));
        Assert.NotNull(note);
        Assert.DoesNotContain("first row", note, StringComparison.Ordinal);
        Assert.Contains("the last row (2026-11-20T00:00Z) counts 2026-11-20T00:00Z to 2026-11-20T06:01Z only", note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_range_inside_one_window_names_its_only_row()
    {
        var note = QueryCommand.PartialRowsNote(Query("2026-11-20T10:10Z", "2026-11-20T10:50Z", "PT1H"));
        Assert.Contains("its only row (2026-11-20T10:00Z) counts 2026-11-20T10:10Z to 2026-11-20T10:50Z;", note, StringComparison.Ordinal);
    }

    private static QueryParameters Query(string from, string to, string interval)
    {
        Assert.True(QueryInterval.TryParse(interval, out var parsed));
        return new QueryParameters
        {
            Kind = "api-requests",
            From = DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            To = DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
            Interval = parsed,
        };
    }
}
