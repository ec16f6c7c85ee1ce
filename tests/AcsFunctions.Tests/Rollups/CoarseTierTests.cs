using System.Globalization;
using AcsFunctions.Generation;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Rollups;

/// <summary>
/// Hourly and daily rows (issue 17): a PT1H or P1D query that reads them answers exactly what merging the minute
/// rows answers, for every aggregate kind and view, aligned and unaligned ranges, after late data, re-delivery and
/// call-version updates were rolled up on top of an earlier roll-up.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CoarseTierTests(AzuriteFixture azurite)
{
    private static readonly GeneratorOptions _stream = new()
    {
        Calls = 12, ApiRequests = 600, Emails = 60, Minutes = 30 * 60, Seed = 17, Duplicates = 0.1, Late = 0.1, Updates = 0.5, Malformed = 0.02,
    };

    private static readonly (string Kind, string? View)[] _queries =
    [
        (QueryKinds.ApiRequests, ApiRequestsQuery.DetailView), (QueryKinds.ApiRequests, ApiRequestsQuery.OperationsView),
        (QueryKinds.ApiRequests, ApiRequestsQuery.StatusCodesView), (QueryKinds.ApiRequests, ApiRequestsQuery.StatusClassesView),
        (QueryKinds.CallVolume, null), (QueryKinds.CallQuality, null), (QueryKinds.Email, null), (QueryKinds.Usage, null),
    ];

    [Fact]
    public async Task CoarseRows_AfterLateDuplicateAndUpdatedData_AnswerExactlyAsMinuteRows_EveryKindViewAndInterval()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var minutesOnly = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:TablePrefix"] = storage.Prefix,
            ["AcsFunctions:Query:CoarseRows"] = "false",
        });
        var generated = SyntheticStream.Create(_stream).Bodies().ToList();
        var onTime = generated.Where(b => !b.Late).Select(b => b.ToEventBody()).ToList();
        var late = generated.Where(b => b.Late).Select(b => b.ToEventBody()).ToList();
        await ReliabilityStream.IngestAsync(storage, [.. onTime, Samples.Body("usage.json"), Samples.Body("email.json")]);
        var first = await RollupTestData.RollupAsync(storage);
        await ReliabilityStream.IngestAsync(storage, [.. late, .. onTime.Take(40)]); // late data and re-delivery
        var second = await RollupTestData.RollupAsync(storage);

        Assert.Equal(0, first.Failed + second.Failed);
        Assert.True(first.Hours > 0 && first.Days > 0, $"hours {first.Hours}, days {first.Days}");
        Assert.True(second.Hours > 0, "late data recomputes the hours it lands in");
        var day = CoarseTiers.FloorDay(_stream.EffectiveStart);
        var ranges = new List<(DateTimeOffset, DateTimeOffset)>
        {
            (day, day.AddDays(3)),
            (day.AddHours(5).AddMinutes(17), day.AddDays(2).AddHours(3).AddMinutes(-23)),
            (new DateTimeOffset(2021, 7, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2021, 7, 31, 0, 0, 0, TimeSpan.Zero)), // the samples
        };
        var compared = 0;
        foreach (var (from, to) in ranges)
        {
            foreach (var interval in new[] { "PT1H", "P1D" })
            {
                foreach (var (kind, view) in _queries)
                {
                    var coarse = await QueryAsync(storage, kind, view, from, to, interval);
                    var fine = await QueryAsync(minutesOnly, kind, view, from, to, interval);
                    Assert.True(fine.Json == coarse.Json, $"{kind}/{view} {interval} {from:O}–{to:O}: coarse rows differ from minute rows:\n{Clip(coarse.Json)}\n---\n{Clip(fine.Json)}");
                    Assert.Empty(coarse.IncompleteWindows);
                    compared += coarse.Rows.Count;
                    if (interval == "P1D" && coarse.Rows.Count > 0 && from == day)
                    {
                        Assert.True(coarse.RowsRead < fine.RowsRead, $"{kind}/{view}: read {coarse.RowsRead} rows with daily rows, {fine.RowsRead} with minutes");
                    }
                }
            }
        }

        Assert.True(compared > 500, $"only {compared} rows compared");
    }

    [Fact]
    public async Task StoreWithoutSomeCoarseRows_ReadsTheirMinutes_AndAnswersExactlyAsMinuteRows()
    {
        // A store written before hourly and daily rows existed (or whose coarse rows are not written yet): every
        // daily row and every other hourly row is missing. The query reads minute rows for those periods.
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var minutesOnly = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:TablePrefix"] = storage.Prefix,
            ["AcsFunctions:Query:CoarseRows"] = "false",
        });
        var options = _stream with { Minutes = 6 * 60, ApiRequests = 200, Emails = 20, Calls = 4, Late = 0, Duplicates = 0 };
        await ReliabilityStream.IngestAsync(storage, [.. SyntheticStream.Create(options).Bodies().Select(b => b.ToEventBody())]);
        var rollup = await RollupTestData.RollupAsync(storage);
        Assert.True(rollup.Hours > 0 && rollup.Days > 0, $"hours {rollup.Hours}, days {rollup.Days}");

        var deleted = 0;
        foreach (var table in CoarseTiers.Tables)
        {
            var client = storage.Storage.GetTable(table);
            await foreach (var row in client.QueryAsync<Azure.Data.Tables.TableEntity>(filter: "PartitionKey ge 'D' and PartitionKey lt 'I'"))
            {
                var drop = row.PartitionKey[0] == 'D' || int.Parse(row.PartitionKey[^2..], CultureInfo.InvariantCulture) % 2 == 0;
                if (drop)
                {
                    await client.DeleteEntityAsync(row.PartitionKey, row.RowKey);
                    deleted++;
                }
            }
        }

        Assert.True(deleted > 0, "the roll-up wrote no coarse rows to remove");
        var day = CoarseTiers.FloorDay(options.EffectiveStart);
        var compared = 0;
        foreach (var (from, to) in new[] { (day, day.AddDays(2)), (day.AddMinutes(37), day.AddDays(1).AddHours(13)) })
        {
            foreach (var interval in new[] { "PT1H", "P1D" })
            {
                foreach (var (kind, view) in _queries)
                {
                    var coarse = await QueryAsync(storage, kind, view, from, to, interval);
                    var fine = await QueryAsync(minutesOnly, kind, view, from, to, interval);
                    Assert.True(fine.Json == coarse.Json, $"{kind}/{view} {interval} {from:O}–{to:O}: a store missing coarse rows answers differently:\n{Clip(coarse.Json)}\n---\n{Clip(fine.Json)}");
                    compared += coarse.Rows.Count;
                }
            }
        }

        Assert.True(compared > 50, $"only {compared} rows compared");
    }

    private static string Clip(string json) => json.Length > 1500 ? json[..1500] : json;

    private static Task<QueryResult> QueryAsync(TestStorage storage, string kind, string? view, DateTimeOffset from, DateTimeOffset to, string interval) =>
        storage.Services.GetRequiredService<QueryService>().QueryAsync(kind, new Dictionary<string, string?>
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["interval"] = interval,
            ["view"] = view,
        });
}
