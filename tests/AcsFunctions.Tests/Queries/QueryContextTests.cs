using System.Globalization;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Rollups;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Queries;

/// <summary>
/// The hour and day marks a query's page reads see travel explicitly in the run's <see cref="QueryContext"/> to its flags
/// (<see cref="PendingWindows"/>): two runs never share them, even with one <see cref="QueryParameters"/> instance, and a
/// kind that reads two tables flags with the marks of both reads.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryContextTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Day = new(2025, 6, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TwoRunsWithTheSameParameters_EachFlagWithTheMarksTheirOwnReadsSaw()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 4).Select(i => RollupTestData.Request(Day.AddDays(i).AddHours(12), 10 + i)))]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        var queries = storage.Services.GetRequiredService<QueryService>();
        var kind = queries.Kind<ApiRequestsQuery>(QueryKinds.ApiRequests);
        var pending = storage.Services.GetRequiredService<PendingWindows>();
        var parameters = queries.Parse(QueryKinds.ApiRequests, Range(Day, Day.AddDays(4), "P1D"));

        // Run A reads while day 2 is pending; the mark completes; run B, same parameters instance, reads after.
        await MarkDayAsync(storage, Day.AddDays(2), TableNames.AggApiRequests);
        var (a, b) = (new QueryContext(), new QueryContext());
        var rowsA = await kind.RunAsync(parameters, a, CancellationToken.None);
        await DeleteDayMarksAsync(storage);
        var rowsB = await kind.RunAsync(parameters, b, CancellationToken.None);

        Assert.True(a.ReadPeriodMarks && b.ReadPeriodMarks, "both runs read whole days from pages, after reading the marks");
        Assert.Equal(rowsA.Count, rowsB.Count);
        Assert.Equal([Day.AddDays(2)], await pending.ReadAsync(parameters, kind.AggregateTables, a));
        Assert.Empty(await pending.ReadAsync(parameters, kind.AggregateTables, b)); // B's flags use B's read only
        Assert.Equal([Day.AddDays(2)], await pending.ReadAsync(parameters, kind.AggregateTables, a)); // and A's stay A's

        // Without a context the flags read the marks now.
        Assert.Empty(await pending.ReadAsync(parameters, kind.AggregateTables));
    }

    [Fact]
    public async Task AKindReadingTwoTables_FlagsWithTheMarksOfBothReads()
    {
        // The email query reads delivery, then engagement, each after a read of the marks. A delivery day mark completed
        // between the two reads still flags: the delivery rows were read while it was pending.
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        await MarkDayAsync(storage, Day.AddDays(2), TableNames.AggEmailDelivery);
        var markReads = 0;
        faults.BeforeSend = async request =>
        {
            if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains(storage.Table(TableNames.RollupPending).Name, StringComparison.Ordinal)
                && Uri.UnescapeDataString(request.RequestUri.Query).Contains($"PartitionKey eq '{RollupMarkKinds.Day}'", StringComparison.Ordinal)
                && Interlocked.Increment(ref markReads) == 2)
            {
                await DeleteDayMarksAsync(storage, direct: azurite.ConnectionString);
            }
        };

        var result = await storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.Email, Range(Day, Day.AddDays(4), "P1D"));

        Assert.Equal(2, markReads); // one per table read; the flags read none of their own
        Assert.Equal([Day.AddDays(2)], result.IncompleteWindows);
    }

    private static Dictionary<string, string?> Range(DateTimeOffset from, DateTimeOffset to, string interval) => new()
    {
        ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
        ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
        ["interval"] = interval,
    };

    private static Task MarkDayAsync(TestStorage storage, DateTimeOffset day, string table) =>
        storage.Services.GetRequiredService<MarkStore>().MarkAsync(RollupMarkKinds.Day, CoarseTiers.MarkKey(CoarseTiers.DayKey(day), table), string.Empty, RollupMarkKinds.Day, day, default);

    /// <summary>Completes every day mark (deletes it), through the store's client or, with <paramref name="direct"/>, a client of its own.</summary>
    private static async Task DeleteDayMarksAsync(TestStorage storage, string? direct = null)
    {
        var marks = direct is null ? storage.Table(TableNames.RollupPending) : new TableClient(direct, storage.Table(TableNames.RollupPending).Name);
        await foreach (var mark in marks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RollupMarkKinds.Day}")))
        {
            await marks.DeleteEntityAsync(mark.PartitionKey, mark.RowKey);
        }
    }
}
