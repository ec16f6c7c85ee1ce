using AcsFunctions.Queries;
using AcsFunctions.Schemas.Email;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Queries;

/// <summary>
/// The per-chart views (<c>api-requests</c> view <c>operations</c>, <c>call-volume</c> and <c>call-quality</c> view
/// <c>totals</c>, <c>email</c> view <c>delivery-status</c>) on two resources: each row is the sum of the detail rows of its window (and status), over
/// every resource, or over the one the filter selects.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChartViewTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null)]
    [InlineData("ACS-VIEW-TWO")]
    public async Task Chart_views_sum_the_detail_rows_of_each_window(string? resource)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await TwoResourceStream.IngestAndRollUpAsync(storage, "ACS-VIEW", 41, _start, calls: 20, apiRequests: 100, emails: 60);
        var queries = storage.Services.GetRequiredService<QueryService>();
        async Task<List<T>> Rows<T>(string kind, string? view) => [.. (await queries.QueryAsync(kind, new Dictionary<string, string?>
        {
            ["from"] = "2026-11-20T10:00:00Z", ["to"] = "2026-11-20T10:15:00Z", ["interval"] = "PT5M", ["resource"] = resource, ["view"] = view,
        })).Rows.Cast<T>()];

        // api-requests view operations: one row per operation and window, its totals over the resources selected (an
        // operator with several ACS resources gets per-resource lines from the detail view or with the resource filter).
        var requests = await Rows<ApiRequestRow>(QueryKinds.ApiRequests, null);
        var operations = await Rows<ApiRequestOperationRow>(QueryKinds.ApiRequests, ApiRequestsQuery.OperationsView);
        Assert.Equal(resource is null ? 2 : 1, requests.Select(r => r.ResourceName).Distinct().Count());
        Assert.Equal(
            requests.GroupBy(r => (r.WindowStart, r.Category, r.Operation)).Select(g => (g.Key.WindowStart, g.Key.Category, g.Key.Operation, g.Sum(r => r.Count), g.Sum(r => r.Failed))).Order(),
            operations.Select(r => (r.WindowStart, r.Category, r.Operation, r.Count, r.Failed)).Order());
        Assert.True(resource is not null || requests.GroupBy(r => (r.WindowStart, r.Category, r.Operation)).Any(g => g.Select(r => r.ResourceName).Distinct().Count() == 2), "some operation should have rows of both resources in one window");

        var volume = await Rows<CallVolumeRow>(QueryKinds.CallVolume, null);
        var volumeTotals = await Rows<CallVolumeTotalRow>(QueryKinds.CallVolume, CallVolumeQuery.TotalsView);
        Assert.Equal(resource is null ? 2 : 1, volume.Select(r => r.ResourceName).Distinct().Count());
        Assert.Equal(
            volume.GroupBy(r => r.WindowStart).Select(g => (g.Key, g.Sum(r => r.Calls), g.Sum(r => r.PoorCalls), g.Sum(r => r.DroppedParticipants), g.Sum(r => r.Participants), g.Sum(r => r.Streams), g.Sum(r => r.PoorStreams))),
            volumeTotals.Select(r => (r.WindowStart, r.Calls, r.PoorCalls, r.DroppedParticipants, r.Participants, r.Streams, r.PoorStreams)));
        Assert.Contains(volumeTotals, r => r.Calls > 0 && r.DurationSecondsP95 >= r.DurationSecondsP50);

        var quality = await Rows<CallQualityRow>(QueryKinds.CallQuality, null);
        var qualityTotals = await Rows<CallQualityTotalRow>(QueryKinds.CallQuality, CallQualityQuery.TotalsView);
        Assert.Equal(
            quality.GroupBy(r => r.WindowStart).Select(g => (g.Key, g.Sum(r => r.Streams), g.Sum(r => r.PoorStreams), Reasons(g.SelectMany(r => r.PoorReasons)))),
            qualityTotals.Select(r => (r.WindowStart, r.Streams, r.PoorStreams, Reasons(r.PoorReasons))));
        Assert.Contains(qualityTotals, r => r.PoorReasons.Count > 0);

        var email = await Rows<EmailRow>(QueryKinds.Email, null);
        var delivery = await Rows<EmailDeliveryStatusRow>(QueryKinds.Email, EmailQuery.DeliveryStatusView);
        Assert.Equal(
            email.Where(r => r.Type == "delivery").GroupBy(r => (r.WindowStart, Status: r.DeliveryStatus ?? "unknown"))
                .OrderBy(g => g.Key.WindowStart).ThenBy(g => g.Key.Status, StringComparer.Ordinal)
                .Select(g => (g.Key.WindowStart, g.Key.Status, g.Sum(r => r.Count))),
            delivery.Select(r => (r.WindowStart, r.DeliveryStatus, r.Count)));
        Assert.True(delivery.Select(r => r.DeliveryStatus).Distinct().Count() > 1, "the stream should have several delivery statuses");
    }

    private static string Reasons(IEnumerable<KeyValuePair<string, long>> reasons) =>
        string.Join(';', reasons.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Sum(p => p.Value)}"));
}
