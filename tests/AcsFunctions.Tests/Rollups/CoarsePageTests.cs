using System.Globalization;
using System.Text.Json.Nodes;
using AcsFunctions.Generation;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Rollups;

/// <summary>
/// Pages (issue 17, P5): a day's hourly and daily rows packed into a few entities. The pages hold exactly the stored
/// rows; queries that read them answer exactly as queries that read the rows and as minute rows, for every kind, view
/// and interval, aligned and unaligned; a day whose rows changed since its page was written is read from its rows; a
/// day too large for a page, and a store without pages, are read from their rows.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CoarsePageTests(AzuriteFixture azurite)
{
    private static readonly GeneratorOptions _stream = new()
    {
        Calls = 12, ApiRequests = 700, Emails = 60, Minutes = 3 * 24 * 60, Seed = 41, Duplicates = 0.1, Late = 0.1, Updates = 0.5, Malformed = 0.02,
    };

    private static readonly (string Kind, string? View)[] _queries =
    [
        (QueryKinds.ApiRequests, ApiRequestsQuery.DetailView), (QueryKinds.ApiRequests, ApiRequestsQuery.OperationsView),
        (QueryKinds.ApiRequests, ApiRequestsQuery.StatusCodesView), (QueryKinds.ApiRequests, ApiRequestsQuery.StatusClassesView),
        (QueryKinds.CallVolume, null), (QueryKinds.CallQuality, null), (QueryKinds.Email, null), (QueryKinds.Usage, null),
    ];

    [Fact]
    public void Pack_RoundTripsEveryType_EmptyPagesAndPagesOverTheChunkLimit()
    {
        var time = new DateTimeOffset(2025, 5, 3, 4, 0, 0, TimeSpan.Zero);
        var row = new TableEntity("H2025050304", "a|b")
        {
            ["S"] = "text ü", ["I"] = -7, ["L"] = long.MaxValue, ["F"] = 2.5, ["W"] = 3.0, ["B"] = true, ["T"] = time, ["X"] = new byte[] { 0, 1, 255 },
            ["G"] = Guid.Parse("5a0f0c3e-8f34-4f7c-9b1e-2d6f7a8b9c0d"),
        };
        var rows = CoarsePages.Unpack(CoarsePages.Pack([row, new TableEntity("H2025050305", "c")]))!;
        Assert.Equal(2, rows.Count);
        AssertSame(row, rows[0]);
        Assert.Equal(("H2025050305", "c"), (rows[1].PartitionKey, rows[1].RowKey));

        var empty = CoarsePages.Pack([]);
        Assert.Empty(CoarsePages.Unpack(empty)!);
        Assert.Single(CoarsePages.Chunks(CoarsePages.DayPage, time, empty));

        // Incompressible rows past one chunk (10 × 64 KiB): several chunks, reassembled in any order; a missing chunk, a
        // chunk of another page, or an unknown version reads as no page.
        var random = new Random(5);
        var big = Enumerable.Range(0, 40).Select(i =>
        {
            var bytes = new byte[30_000];
            random.NextBytes(bytes);
            return new TableEntity("H2025050300", i.ToString("000", CultureInfo.InvariantCulture)) { ["Blob"] = bytes };
        }).ToList();
        var chunks = CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(big));
        Assert.True(chunks.Count >= 2, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.True(EntityLimits.EstimateSize(c) < EntityLimits.MaxEntityBytes, $"{c.RowKey}: {EntityLimits.EstimateSize(c)} bytes"));
        Assert.All(chunks, c => Assert.True(c.Keys.Count(k => k.StartsWith('B')) <= CoarsePages.PropertiesPerChunk));
        var day = (CoarsePages.HourPage, CoarseTiers.FloorDay(time));
        var read = CoarsePages.Read(Enumerable.Reverse(chunks))[day]!;
        Assert.Equal(big.Count, read.Count);
        Assert.All(big.Zip(read), p => AssertSame(p.First, p.Second));
        Assert.Null(CoarsePages.Read(chunks.Skip(1))[day]);
        var other = CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(big.Take(39)));
        Assert.Null(CoarsePages.Read([chunks[0], .. other.Skip(1)])[day]);
        var future = CoarsePages.Pack([row]);
        future[0] = CoarsePages.Version + 1;
        Assert.Null(CoarsePages.Unpack(future));
        Assert.Null(CoarsePages.Read(CoarsePages.Chunks(CoarsePages.HourPage, time, future))[day]);
    }

    [Fact]
    public void ADamagedPage_ReadsAsNoPage_NeverThrows()
    {
        // A page's columns are ours, but storage is shared: a column of the wrong type, or bytes that are not a page,
        // must make the day fall back to its rows, not fail the query.
        var time = new DateTimeOffset(2025, 5, 3, 0, 0, 0, TimeSpan.Zero);
        var day = (CoarsePages.HourPage, CoarseTiers.FloorDay(time));
        var rows = Enumerable.Range(0, 3).Select(i => new TableEntity("H2025050300", i.ToString("000", CultureInfo.InvariantCulture)) { ["Count"] = (long)i }).ToList();
        TableEntity[] Fresh() => [.. CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(rows))];
        Assert.Equal(rows.Count, CoarsePages.Read(Fresh())[day]!.Count);

        var wrongId = Fresh();
        wrongId[0]["Page"] = "not a guid";
        Assert.Null(CoarsePages.Read(wrongId)[day]);

        var wrongCount = Fresh();
        wrongCount[0]["Chunks"] = "one";
        Assert.Null(CoarsePages.Read(wrongCount)[day]);

        var wrongData = Fresh();
        wrongData[0]["B00"] = "text, not bytes";
        Assert.Null(CoarsePages.Read(wrongData)[day]);

        var noise = Fresh();
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = CoarsePages.Version;
        noise[0]["B00"] = bytes;
        Assert.Null(CoarsePages.Read(noise)[day]);
    }

    [Fact]
    public void ThePooledDecoder_ReadsEveryPageAsUnpack_WithTheEntityReadsSemantics_AndADamagedPageAsNoPage()
    {
        var time = new DateTimeOffset(2025, 5, 3, 4, 0, 0, TimeSpan.Zero);
        var day = (CoarsePages.HourPage, CoarseTiers.FloorDay(time));
        var row = new TableEntity("H2025050304", "a|b")
        {
            ["S"] = "text ü", ["E"] = string.Empty, ["I"] = -7, ["L"] = long.MaxValue, ["F"] = 2.5, ["B"] = true, ["T"] = time, ["X"] = new byte[] { 0, 1, 255 },
            ["G"] = Guid.Parse("5a0f0c3e-8f34-4f7c-9b1e-2d6f7a8b9c0d"),
        };
        var random = new Random(5);
        var big = Enumerable.Range(0, 40).Select(i =>
        {
            var bytes = new byte[30_000];
            random.NextBytes(bytes);
            return new TableEntity("H2025050300", i.ToString("000", CultureInfo.InvariantCulture)) { ["Blob"] = bytes, ["Count"] = (long)i };
        }).ToList();
        foreach (var rows in new List<TableEntity>[] { [row, new TableEntity("H2025050305", "c")], big, [] })
        {
            var chunks = CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(rows));
            var unpacked = CoarsePages.Read(Enumerable.Reverse(chunks))[day]!;
            var decoded = CoarsePages.Read(Enumerable.Reverse(chunks), static (in PageRow r) => r.ToEntity())[day]!;
            Assert.Equal(unpacked.Count, decoded.Count);
            Assert.All(unpacked.Zip(decoded), p =>
            {
                AssertSame(p.First, p.Second.Item);
                Assert.Equal(p.First.PartitionKey, p.Second.PartitionKey);
            });
        }

        // Every typed read of a page row answers as the entity read it replaces, for every stored type (or fails alike).
        var columns = row.Keys.Where(k => k.Length == 1).Append("Missing").ToList();
        var reads = CoarsePages.Read(CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack([row])), (in PageRow r) =>
        {
            var outcomes = new List<string[]>();
            foreach (var c in columns)
            {
                outcomes.Add([.. Enumerable.Range(0, 6).Select(_ => string.Empty)]);
                for (var read = 0; read < 6; read++)
                {
                    outcomes[^1][read] = PageRead(r, c, read);
                }
            }

            return outcomes;
        })[day]!;
        var expected = columns.Select(c => new[]
        {
            Outcome(() => EntityValues.Text(row, c)), Outcome(() => row.GetInt64(c)), Outcome(() => row.GetDouble(c)), Outcome(() => EntityValues.Time(row, c)),
            Outcome(() => EntityValues.Number(row, c)), Outcome(() => row.GetBinary(c) is { } bytes ? Convert.ToHexString(bytes) : null),
        }).ToList();
        Assert.Equal(expected, Assert.Single(reads).Item);

        // Damaged pages read as no page, never throw — as Read reads them.
        var small = Enumerable.Range(0, 3).Select(i => new TableEntity("H2025050300", i.ToString("000", CultureInfo.InvariantCulture)) { ["Count"] = (long)i }).ToList();
        TableEntity[] Fresh() => [.. CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(small))];
        var damaged = new List<IEnumerable<TableEntity>>();
        var wrongId = Fresh();
        wrongId[0]["Page"] = "not a guid";
        var wrongCount = Fresh();
        wrongCount[0]["Chunks"] = "one";
        var wrongData = Fresh();
        wrongData[0]["B00"] = "text, not bytes";
        var noise = Fresh();
        var noiseBytes = new byte[4096];
        new Random(7).NextBytes(noiseBytes);
        noiseBytes[0] = CoarsePages.Version;
        noise[0]["B00"] = noiseBytes;
        var future = CoarsePages.Pack(small);
        future[0] = CoarsePages.Version + 1;
        var bigChunks = CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(big));
        var truncated = Fresh();
        truncated[0]["B00"] = ((byte[])truncated[0]["B00"])[..^3];
        foreach (var chunks in new IEnumerable<TableEntity>[]
        {
            wrongId, wrongCount, wrongData, noise, truncated, CoarsePages.Chunks(CoarsePages.HourPage, time, future), bigChunks.Skip(1),
            [bigChunks[0], .. CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(big.Take(39))).Skip(1)],
        })
        {
            Assert.Null(CoarsePages.Read(chunks)[day]);
            Assert.Null(CoarsePages.Read(chunks, static (in PageRow r) => r.ToEntity())[day]);
        }

        Assert.Equal(small.Count, CoarsePages.Read(Fresh(), static (in PageRow r) => r.ToEntity())[day]!.Count);

        // A page whose bytes decode but one of whose values does not read (a histogram's bytes damaged: the reader throws
        // FormatException) is as good as none too: the day is read from its rows instead of the query failing (review).
        var histogram = Enumerable.Range(0, 3).Select(i => new TableEntity("H2025050300", i.ToString("000", CultureInfo.InvariantCulture))
        {
            ["DurationHistogram"] = i == 1 ? new byte[] { 200, 1, 2 } : new LogHistogram().ToBytes(),
        }).ToList();
        var withHistograms = CoarsePages.Chunks(CoarsePages.HourPage, time, CoarsePages.Pack(histogram));
        Assert.Null(CoarsePages.Read(withHistograms, static (in PageRow r) => r.TryGetBinary("DurationHistogram", out var bytes) ? LogHistogram.FromBytes(bytes) : null)[day]);
    }

    private static string Outcome<T>(Func<T> read)
    {
        try
        {
            return Describe(read());
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static string PageRead(in PageRow row, string column, int read)
    {
        try
        {
            return Describe(read switch
            {
                0 => row.Text(column),
                1 => row.Int64(column),
                2 => row.Double(column),
                3 => row.Time(column),
                4 => row.Number(column),
                _ => row.TryGetBinary(column, out var bytes) ? Convert.ToHexString(bytes) : null,
            });
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static string Describe(object? value) => value is null ? "null" : value.GetType().Name + ":" + Convert.ToString(value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Pages_HoldExactlyTheStoredRows_OfEveryWindowedTable_AndQueriesAnswerAsRowsAndMinutes()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var noPages = Sibling(storage, "Pages");
        await using var minutesOnly = Sibling(storage, "CoarseRows");
        var generated = SyntheticStream.Create(_stream).Bodies().ToList();
        var onTime = generated.Where(b => !b.Late).Select(b => b.ToEventBody()).ToList();
        await ReliabilityStream.IngestAsync(storage, [.. onTime, Samples.Body("usage.json"), Samples.Body("email.json")]);
        var first = await RollupTestData.RollupAsync(storage);
        await ReliabilityStream.IngestAsync(storage, [.. generated.Where(b => b.Late).Select(b => b.ToEventBody()), .. onTime.Take(40)]); // late data and re-delivery
        var second = await RollupTestData.RollupAsync(storage);
        Assert.Equal(0, first.Failed + second.Failed);
        Assert.True(second.Days > 0, "late data recomputes the days it lands in");

        // Every page equals the rows it packs, as storage returns them: keys, property names, types and values. Pages
        // are in their own table: the aggregate table holds aggregate rows only.
        var types = new HashSet<Type>();
        foreach (var table in CoarseTiers.Tables)
        {
            Assert.Empty(await TableReads.QueryAsync(storage.Table(table), TableReads.PartitionRangeFilter("P", "Q"), []));
            var chunks = await storage.AllAsync(TableNames.PagesOf(table));
            var pages = CoarsePages.Read(chunks);

            // The query path's decoder (pooled, no entity per row) reads every page as Unpack does; api-requests rows
            // read straight from a page are the aggregates read from their entities.
            var decoded = CoarsePages.Read(chunks, static (in PageRow r) => r.ToEntity());
            Assert.Equal(pages.Keys.Order(), decoded.Keys.Order());
            foreach (var (page, rows) in pages)
            {
                Assert.Equal(rows!.Count, decoded[page]!.Count);
                Assert.All(rows.Zip(decoded[page]!), p => AssertSame(p.First, p.Second.Item));
            }

            if (table == TableNames.AggApiRequests)
            {
                var aggregates = CoarsePages.Read(chunks, ApiRequestAggregate.FromPage);
                Assert.All(pages, p => Assert.All(p.Value!.Zip(aggregates[p.Key]!), r => AssertSame(ApiRequestAggregate.FromEntity(r.First).ToEntity(), r.Second.Item.ToEntity())));
            }

            Assert.Contains(pages.Keys, p => p.Kind == CoarsePages.HourPage);
            Assert.Contains(pages.Keys, p => p.Kind == CoarsePages.DayPage);
            foreach (var ((kind, day), rows) in pages)
            {
                Assert.NotNull(rows);
                var filter = kind == CoarsePages.DayPage
                    ? TableClient.CreateQueryFilter($"PartitionKey eq {CoarseTiers.DayKey(day)}")
                    : TableReads.PartitionRangeFilter(CoarseTiers.HourKey(day), CoarseTiers.HourKey(day.AddDays(1)));
                var stored = await TableReads.QueryAsync(storage.Table(table), filter, null);
                Assert.True(stored.Count == rows.Count, $"{table} {kind} page of {day:yyyy-MM-dd}: {rows.Count} rows, {stored.Count} stored");
                foreach (var (expected, actual) in stored.Zip(rows))
                {
                    AssertSame(expected, actual);
                    types.UnionWith(actual.Select(p => p.Value).OfType<object>().Select(v => v.GetType()));
                }
            }
        }

        Assert.Superset(new HashSet<Type> { typeof(string), typeof(long), typeof(double), typeof(DateTimeOffset), typeof(byte[]) }, types);

        // Queries: pages on = pages off = minute rows, every kind and view, whole days and unaligned edges, with filters.
        var day0 = CoarseTiers.FloorDay(_stream.EffectiveStart);
        var detail = JsonNode.Parse((await QueryAsync(noPages, QueryKinds.ApiRequests, null, day0, day0.AddDays(3), "P1D")).Json)!.AsArray();
        var sample = detail.First(r => r!["count"]!.GetValue<long>() > 1)!;
        var filters = new Dictionary<string, string?>
        {
            ["resource"] = sample["resourceName"]!.GetValue<string>(), ["category"] = sample["category"]!.GetValue<string>(), ["operation"] = sample["operation"]!.GetValue<string>(),
        };
        var ranges = new List<(DateTimeOffset, DateTimeOffset)>
        {
            (day0, day0.AddDays(3)),
            (day0.AddHours(5).AddMinutes(17), day0.AddDays(2).AddHours(3).AddMinutes(-23)),
            (day0.AddHours(-3), day0.AddDays(2).AddHours(1)),
            (new DateTimeOffset(2021, 7, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2021, 7, 31, 0, 0, 0, TimeSpan.Zero)), // the samples
        };
        var compared = await CompareAsync(storage, noPages, minutesOnly, ranges, filters, incomplete: false);
        Assert.True(compared.Rows > 500, $"only {compared.Rows} rows compared");
        Assert.True(compared.ReadWithPages < compared.ReadWithout / 2, $"rows read with pages {compared.ReadWithPages}, without {compared.ReadWithout}");

        // A store written before pages (or whose pages are gone) answers the same from its rows.
        foreach (var table in CoarseTiers.Tables.Select(TableNames.PagesOf))
        {
            foreach (var chunk in await TableReads.QueryAsync(storage.Table(table), TableReads.PartitionRangeFilter("P", "Q"), []))
            {
                await storage.Table(table).DeleteEntityAsync(chunk.PartitionKey, chunk.RowKey);
            }
        }

        var withoutPages = await CompareAsync(storage, noPages, minutesOnly, ranges, filters, incomplete: false);
        Assert.Equal(compared.Rows, withoutPages.Rows);
        Assert.True(withoutPages.ReadWithPages == withoutPages.ReadWithout, $"no pages: rows read {withoutPages.ReadWithPages} vs {withoutPages.ReadWithout} without pages");
    }

    [Fact]
    public async Task AnHourRewrittenWhileItsDayIsPending_IsReadFromItsRows_AndThePageIsUsedAgainOnceTheDayIsRecomputed()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        await using var noPages = Sibling(storage, "Pages");
        await using var minutesOnly = Sibling(storage, "CoarseRows");
        var options = _stream with { Minutes = 2 * 24 * 60, ApiRequests = 300, Calls = 4, Emails = 20, Late = 0, Duplicates = 0, Malformed = 0 };
        await ReliabilityStream.IngestAsync(storage, [.. SyntheticStream.Create(options).Bodies().Select(b => b.ToEventBody())]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        var day0 = CoarseTiers.FloorDay(options.EffectiveStart);
        var range = new[] { (day0, day0.AddDays(2)) };
        var before = await CompareAsync(storage, noPages, minutesOnly, range, null, incomplete: false);
        var countBefore = await CountAsync(storage, day0, day0.AddDays(2));

        // Late requests in an hour of the first day; the roll-up rewrites that hour, and another instance holds the
        // day (its mark is leased just before this run lists day marks), so the day and its pages stay as they were.
        // An hour that has rows already (an hour without rows is read from its minutes anyway).
        var hours = JsonNode.Parse((await QueryAsync(noPages, QueryKinds.ApiRequests, ApiRequestsQuery.StatusClassesView, day0, day0.AddDays(1), "PT1H")).Json)!.AsArray();
        var late = hours.Select(h => DateTimeOffset.Parse(h!["windowStart"]!.GetValue<string>(), CultureInfo.InvariantCulture)).First(h => h > day0.AddHours(2));
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 5).Select(i => RollupTestData.Request(late.AddMinutes(i * 7), 20 + i)))]);
        var marks = new TableClient(azurite.ConnectionString, storage.Table(TableNames.RollupPending).Name);
        var leased = 0;
        faults.BeforeSend = async request =>
        {
            if (leased == 0 && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains(marks.Name, StringComparison.Ordinal)
                && Uri.UnescapeDataString(request.RequestUri.Query).Contains("PartitionKey eq 'day'", StringComparison.Ordinal))
            {
                await foreach (var mark in marks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RollupMarkKinds.Day}")))
                {
                    await marks.UpdateEntityAsync(
                        new TableEntity(mark.PartitionKey, mark.RowKey) { [RollupMarkKinds.LeaseOwner] = "another", [RollupMarkKinds.LeaseUntil] = storage.Time.GetUtcNow().AddMinutes(30) },
                        ETag.All, TableUpdateMode.Merge);
                    leased++;
                }
            }
        };
        var rewrite = await RollupTestData.RollupAsync(storage);
        faults.BeforeSend = null;
        Assert.True(leased > 0 && rewrite.Hours > 0, $"leased {leased} day marks, {rewrite.Hours} hours recomputed");
        Assert.Contains(await marks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RollupMarkKinds.Day}")).ToListAsync(), m => m.RowKey.StartsWith(day0.ToString("yyyyMMdd", CultureInfo.InvariantCulture), StringComparison.Ordinal));

        // The hour's new rows are answered (the pages of that day are stale: the day is read from its partitions),
        // flagged exactly as without pages.
        var pending = await CompareAsync(storage, noPages, minutesOnly, range, null, incomplete: true);
        Assert.Equal(countBefore + 5, await CountAsync(storage, day0, day0.AddDays(2)));
        Assert.Contains(day0, (await QueryAsync(storage, QueryKinds.ApiRequests, null, day0, day0.AddDays(2), "P1D")).IncompleteWindows); // the day is pending
        Assert.True(pending.ReadWithPages > before.ReadWithPages, $"rows read with the day pending {pending.ReadWithPages}, before {before.ReadWithPages}");

        // The lease runs out; the next roll-up recomputes the day and its pages, which are read again.
        storage.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await RollupTestData.RollupAsync(storage)).Days > 0);
        var after = await CompareAsync(storage, noPages, minutesOnly, range, null, incomplete: false);
        Assert.Equal(before.ReadWithPages, after.ReadWithPages);
        Assert.True(after.ReadWithPages < after.ReadWithout / 2, $"rows read with pages {after.ReadWithPages}, without {after.ReadWithout}");
    }

    [Fact]
    public async Task ADayTooLargeForOneTransaction_GetsNoPage_AndIsReadFromItsRows()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var noPages = Sibling(storage, "Pages");
        var day = new DateTimeOffset(2025, 3, 9, 0, 0, 0, TimeSpan.Zero);

        // Usage rows of one day whose hourly (and so daily) rows carry 4.8 MB of incompressible bytes, and an old page of that day.
        var random = new Random(3);
        var hours = Enumerable.Range(0, 80).Select(i =>
        {
            var bytes = new byte[60_000];
            random.NextBytes(bytes);
            var hour = day.AddHours(i % 24);
            return new TableEntity(CoarseTiers.HourKey(hour), "RES|" + i.ToString("00", CultureInfo.InvariantCulture))
            {
                ["ResourceName"] = "RES", ["UsageType"] = "t" + i, ["UnitType"] = "u", ["Count"] = 2L, ["Quantity"] = 1.5, ["WindowStart"] = hour, ["Junk"] = bytes,
            };
        }).ToList();
        await Retention.RetentionTestData.WriteAsync(storage, TableNames.AggUsage, hours);
        await Retention.RetentionTestData.WriteAsync(storage, TableNames.PagesOf(TableNames.AggUsage), CoarsePages.Chunks(CoarsePages.HourPage, day, CoarsePages.Pack(hours.Take(1))));
        var marks = storage.Services.GetRequiredService<MarkStore>();
        await marks.MarkAsync(RollupMarkKinds.Day, CoarseTiers.MarkKey(CoarseTiers.DayKey(day), TableNames.AggUsage), string.Empty, RollupMarkKinds.Day, day, default);

        var rollup = await RollupTestData.RollupAsync(storage);
        Assert.Equal((0, 1), (rollup.Failed, rollup.Days));
        Assert.NotEmpty(await TableReads.QueryAsync(storage.Table(TableNames.AggUsage), TableClient.CreateQueryFilter($"PartitionKey eq {CoarseTiers.DayKey(day)}"), []));
        Assert.Empty(await TableReads.QueryAsync(storage.Table(TableNames.PagesOf(TableNames.AggUsage)), TableReads.PartitionRangeFilter("P", "Q"), []));
        foreach (var interval in new[] { "PT1H", "P1D" })
        {
            var paged = await QueryAsync(storage, QueryKinds.Usage, null, day, day.AddDays(1), interval);
            var rows = await QueryAsync(noPages, QueryKinds.Usage, null, day, day.AddDays(1), interval);
            Assert.Equal(rows.Json, paged.Json);
            Assert.Equal(80, paged.Rows.Count);
        }
    }

    [Fact]
    public async Task Retention_DeletesPagesWithTheirTier_AndNeverADayPageWhoseDailyRowsAreKept()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var noPages = Sibling(storage, "Pages");
        var now = storage.Time.GetUtcNow();
        var old = CoarseTiers.FloorDay(now.AddDays(-100));                 // every hour past the hourly setting (93 days)
        var edge = CoarseTiers.FloorDay(now.AddDays(-93));                 // the day of the hourly cutoff: half its hours past it
        var recent = CoarseTiers.FloorDay(now.AddDays(-2));
        var times = new[] { old.AddHours(6), old.AddHours(18), edge.AddHours(6), edge.AddHours(18), recent.AddHours(6), recent.AddHours(18) };
        await storage.Pipeline.IngestAsync([RollupTestData.Body(times.SelectMany(t => Enumerable.Range(0, 3).Select(i => RollupTestData.Request(t.AddMinutes(i), 10 + i))))]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        Assert.Equal([('d', old), ('d', edge), ('d', recent), ('h', old), ('h', edge), ('h', recent)], (await PagesAsync(storage)).Order());
        var daily = await QueryAsync(storage, QueryKinds.ApiRequests, null, old, edge.AddDays(2), "P1D");

        var first = await Retention.RetentionTestData.RunAsync(storage);
        Assert.Equal(0, first.Tables.Sum(t => t.Kept + t.Conflicts));
        Assert.Contains(first.Tables, t => t.Tier == "hour-pages" && t.Deleted == 2);
        // The hour pages of the old day and of the cutoff's day went with the hourly tier; every day page stayed with its daily rows.
        Assert.Equal([('d', old), ('d', edge), ('d', recent), ('h', recent)], (await PagesAsync(storage)).Order());
        Assert.Empty(await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableReads.PartitionRangeFilter(CoarseTiers.HourKey(old), CoarseTiers.HourKey(old.AddDays(1))), []));
        Assert.NotEmpty(await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableReads.PartitionRangeFilter(CoarseTiers.HourKey(edge.AddHours(12)), CoarseTiers.HourKey(edge.AddDays(1))), []));
        var after = await QueryAsync(storage, QueryKinds.ApiRequests, null, old, edge.AddDays(2), "P1D");
        Assert.Equal(daily.Json, after.Json); // the daily answer is whole, from the day pages
        foreach (var interval in new[] { "PT1H", "P1D" })
        {
            Assert.Equal((await QueryAsync(noPages, QueryKinds.ApiRequests, null, old, edge.AddDays(2), interval)).Json, (await QueryAsync(storage, QueryKinds.ApiRequests, null, old, edge.AddDays(2), interval)).Json);
        }

        storage.Time.Advance(TimeSpan.FromDays(731));
        var second = await Retention.RetentionTestData.RunAsync(storage);
        Assert.Contains(second.Tables, t => t.Tier == "day-pages" && t.Deleted == 3);
        Assert.Empty(await PagesAsync(storage));
        Assert.Empty(await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableReads.PartitionRangeFilter("D", "E"), []));
        var status = await storage.Services.GetRequiredService<AcsFunctions.Retention.RetentionService>().StatusAsync();
        Assert.Contains(status, s => s.Table == TableNames.PagesOf(TableNames.AggApiRequests) && s.Tier == "day-pages");
    }

    [Fact]
    public async Task Retention_DeletesHourPagesAgainAfterTheHourlyRows_WhenARollupRewroteOneInBetween()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var old = CoarseTiers.FloorDay(storage.Time.GetUtcNow().AddDays(-100)); // every hour past the hourly setting (93 days)
        await storage.Pipeline.IngestAsync([RollupTestData.Body(new[] { old.AddHours(6), old.AddHours(18) }.SelectMany(t => Enumerable.Range(0, 3).Select(i => RollupTestData.Request(t.AddMinutes(i), 10 + i))))]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        var pagesTable = storage.Table(TableNames.PagesOf(TableNames.AggApiRequests));
        var hourPage = await TableReads.QueryAsync(pagesTable, CoarsePages.RangeFilter(CoarsePages.HourPage, old, old.AddDays(1)), null);
        Assert.NotEmpty(hourPage);

        // A roll-up that loaded the retention state before this run raised it writes the day's hour page again after the
        // run deleted it, while the run reads the expired hourly rows.
        var aggregates = storage.Table(TableNames.AggApiRequests).Name;
        var rewritten = 0;
        faults.BeforeSend = async request =>
        {
            if (rewritten == 0 && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith(aggregates + "()", StringComparison.Ordinal)
                && Uri.UnescapeDataString(request.RequestUri.Query).Contains("PartitionKey ge 'H'", StringComparison.Ordinal))
            {
                rewritten++;
                var direct = new TableClient(azurite.ConnectionString, pagesTable.Name);
                foreach (var chunk in hourPage)
                {
                    await direct.UpsertEntityAsync(new TableEntity(chunk.Where(p => p.Key is not ("odata.etag" or "Timestamp")).ToDictionary(p => p.Key, p => p.Value)), TableUpdateMode.Replace);
                }
            }
        };
        var run = await Retention.RetentionTestData.RunAsync(storage);
        faults.BeforeSend = null;
        Assert.Equal(1, rewritten);
        Assert.Equal(0, run.Tables.Sum(t => t.Kept + t.Conflicts));
        Assert.Equal([('d', old)], await PagesAsync(storage));
        Assert.Equal(2, run.Tables.Count(t => t.Table == TableNames.PagesOf(TableNames.AggApiRequests) && t.Tier == "hour-pages" && t.Deleted == hourPage.Count));
    }

    [Fact]
    public async Task PagesLeftInAnAggregateTable_AreNeverRead_AndRetentionDeletesThemInBoundedBatches()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Retention:MaxRowsPerTable"] = "100" });
        await using var noPages = Sibling(storage, "Pages");
        var day = CoarseTiers.FloorDay(storage.Time.GetUtcNow().AddDays(-3));
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 6).Select(i => RollupTestData.Request(day.AddHours(i * 9), 10 + i)))]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        var pagesBefore = await PagesAsync(storage);
        Assert.Contains(('d', day), pagesBefore);

        // A store written before pages had their own table: pages of 120 days in the aggregate table itself, with rows
        // that are not the day's (a query that read them would answer 999 requests a day).
        var bogus = new TableEntity(CoarseTiers.DayKey(day), "x") { ["ResourceName"] = "old", ["Count"] = 999L };
        var oldPages = Enumerable.Range(0, 120).SelectMany(i => CoarsePages.Chunks(CoarsePages.DayPage, day.AddDays(2 - i), CoarsePages.Pack([bogus]))).ToList();
        await Retention.RetentionTestData.WriteAsync(storage, TableNames.AggApiRequests, oldPages);
        var (from, to) = (day.AddDays(-1), day.AddDays(2));
        foreach (var interval in new[] { "PT1H", "P1D" })
        {
            Assert.Equal((await QueryAsync(noPages, QueryKinds.ApiRequests, null, from, to, interval)).Json, (await QueryAsync(storage, QueryKinds.ApiRequests, null, from, to, interval)).Json);
        }

        var service = storage.Services.GetRequiredService<AcsFunctions.Retention.RetentionService>();
        var status = Assert.Single(await service.StatusAsync(), s => s.Tier == AcsFunctions.Retention.RetentionStep.OldPagesTier);
        Assert.Equal((TableNames.AggApiRequests, day.AddDays(-117)), (status.Table, status.OldestRow));

        // A dry run shows what would go and deletes nothing; real runs delete them 100 rows at a time, and nothing else.
        var dry = await Retention.RetentionTestData.RunAsync(storage, dryRun: true);
        var wouldGo = Assert.Single(dry.Tables, t => t.Tier == AcsFunctions.Retention.RetentionStep.OldPagesTier);
        Assert.Equal((TableNames.AggApiRequests, 100L, true), (wouldGo.Table, wouldGo.WouldDelete, wouldGo.More));
        Assert.Equal(120, (await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableReads.PartitionRangeFilter("P", "Q"), [])).Count);
        var first = Assert.Single((await Retention.RetentionTestData.RunAsync(storage)).Tables, t => t.Tier == AcsFunctions.Retention.RetentionStep.OldPagesTier);
        Assert.Equal((100L, true), (first.Deleted, first.More));
        var second = Assert.Single((await Retention.RetentionTestData.RunAsync(storage)).Tables, t => t.Tier == AcsFunctions.Retention.RetentionStep.OldPagesTier);
        Assert.Equal((20L, false), (second.Deleted, second.More));
        Assert.Empty(await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableReads.PartitionRangeFilter("P", "Q"), []));
        Assert.DoesNotContain((await Retention.RetentionTestData.RunAsync(storage)).Tables, t => t.Tier == AcsFunctions.Retention.RetentionStep.OldPagesTier);
        Assert.DoesNotContain(await service.StatusAsync(), s => s.Tier == AcsFunctions.Retention.RetentionStep.OldPagesTier);
        Assert.Equal(pagesBefore.Order(), (await PagesAsync(storage)).Order());
        Assert.NotEmpty(await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableClient.CreateQueryFilter($"PartitionKey eq {CoarseTiers.DayKey(day)}"), []));
    }

    [Fact]
    public async Task OldPagesRetention_DeletesOnlyPageChunks_NeverAnotherRowFiledUnderP()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var day = CoarseTiers.FloorDay(storage.Time.GetUtcNow().AddDays(-3));
        var page = CoarsePages.Chunks(CoarsePages.DayPage, day, CoarsePages.Pack([new TableEntity(CoarseTiers.DayKey(day), "x") { ["Count"] = 1L }]));
        var notAPage = new TableEntity(CoarsePages.PartitionKey(day), "not-a-page") { ["Count"] = 7L };
        await Retention.RetentionTestData.WriteAsync(storage, TableNames.AggApiRequests, [.. page, notAPage]);

        await Retention.RetentionTestData.RunAsync(storage);

        var left = await TableReads.QueryAsync(storage.Table(TableNames.AggApiRequests), TableReads.PartitionRangeFilter("P", "Q"), []);
        Assert.Equal("not-a-page", Assert.Single(left).RowKey);
    }

    [Fact]
    public async Task PendingHourAndDayMarks_FlagP1DRows_WithOneReadOfTheMarks()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var day = new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 4).Select(i => RollupTestData.Request(day.AddDays(i).AddHours(12), 10 + i)))]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        var marks = storage.Services.GetRequiredService<MarkStore>();
        async Task MarkAsync(string kind, string periodKey, DateTimeOffset start, string table = TableNames.AggApiRequests) =>
            await marks.MarkAsync(kind, CoarseTiers.MarkKey(periodKey, table), string.Empty, kind, start, default);
        await MarkAsync(RollupMarkKinds.Hour, CoarseTiers.HourKey(day.AddHours(3)), day.AddHours(3));                 // before the range, same day: not counted
        await MarkAsync(RollupMarkKinds.Hour, CoarseTiers.HourKey(day.AddDays(1).AddHours(5)), day.AddDays(1).AddHours(5));
        await MarkAsync(RollupMarkKinds.Day, CoarseTiers.DayKey(day.AddDays(2)), day.AddDays(2));
        await MarkAsync(RollupMarkKinds.Day, CoarseTiers.DayKey(day.AddDays(3)), day.AddDays(3), TableNames.AggUsage); // another table's

        // The page decision and the flags share one read of the hour and day marks per query.
        var markReads = 0;
        faults.BeforeSend = request =>
        {
            if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains(storage.Table(TableNames.RollupPending).Name, StringComparison.Ordinal)
                && Uri.UnescapeDataString(request.RequestUri.Query).Contains($"PartitionKey eq '{RollupMarkKinds.Day}'", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref markReads);
            }

            return Task.CompletedTask;
        };
        var daily = await QueryAsync(storage, QueryKinds.ApiRequests, null, day.AddHours(6), day.AddDays(4), "P1D");
        Assert.Equal([day.AddDays(1).AddHours(5), day.AddDays(2)], daily.IncompleteWindows);
        Assert.Equal(1, markReads);
        var hourly = await QueryAsync(storage, QueryKinds.ApiRequests, null, day.AddHours(6), day.AddDays(4), "PT1H");
        Assert.Equal([day.AddDays(1).AddHours(5)], hourly.IncompleteWindows); // a day mark does not flag hourly rows
        Assert.Equal(2, markReads);
        var inOneDay = await QueryAsync(storage, QueryKinds.ApiRequests, null, day.AddDays(1).AddHours(2), day.AddDays(1).AddHours(9), "PT1H");
        Assert.Equal([day.AddDays(1).AddHours(5)], inOneDay.IncompleteWindows); // no whole day, no page: the flags read the marks
        Assert.Equal(3, markReads);
    }

    private static async Task<List<(char Kind, DateTimeOffset Day)>> PagesAsync(TestStorage storage) =>
        [.. (await TableReads.QueryAsync(storage.Table(TableNames.PagesOf(TableNames.AggApiRequests)), TableReads.PartitionRangeFilter("P", "Q"), []))
            .Select(c => CoarsePages.DayOf(c.RowKey)!.Value).Distinct()];

    /// <summary>
    /// Queries three stores over the same tables: pages, rows without pages, minute rows only; asserts equal answers and
    /// flags (with <paramref name="incomplete"/>, a day is pending: its daily rows are not compared with its minutes).
    /// </summary>
    private static async Task<(int Rows, long ReadWithPages, long ReadWithout)> CompareAsync(
        TestStorage pages, TestStorage noPages, TestStorage minutesOnly, IEnumerable<(DateTimeOffset From, DateTimeOffset To)> ranges, Dictionary<string, string?>? filters, bool incomplete)
    {
        var (rows, withPages, without) = (0, 0L, 0L);
        foreach (var (from, to) in ranges)
        {
            foreach (var interval in new[] { "PT1H", "P1D" })
            {
                foreach (var (kind, view) in _queries)
                {
                    foreach (var extra in filters is null || kind != QueryKinds.ApiRequests ? [null] : new[] { null, filters })
                    {
                        var paged = await QueryAsync(pages, kind, view, from, to, interval, extra);
                        var plain = await QueryAsync(noPages, kind, view, from, to, interval, extra);
                        var fine = await QueryAsync(minutesOnly, kind, view, from, to, interval, extra);
                        var what = $"{kind}/{view} {interval} {from:O}–{to:O}{(extra is null ? string.Empty : " filtered")}";
                        Assert.True(plain.Json == paged.Json, $"{what}: pages answer differently from rows:\n{Clip(paged.Json)}\n---\n{Clip(plain.Json)}");
                        // A pending day keeps its old daily rows (flagged) until it is recomputed; its hours are new.
                        Assert.True(fine.Json == paged.Json || (incomplete && interval == "P1D"), $"{what}: pages answer differently from minute rows:\n{Clip(paged.Json)}\n---\n{Clip(fine.Json)}");
                        Assert.Equal(plain.IncompleteWindows, paged.IncompleteWindows);
                        if (!incomplete)
                        {
                            Assert.Empty(paged.IncompleteWindows);
                        }

                        rows += paged.Rows.Count;
                        withPages += paged.RowsRead;
                        without += plain.RowsRead;
                    }
                }
            }
        }

        return (rows, withPages, without);
    }

    /// <summary>API requests counted in a range at PT1H.</summary>
    private static async Task<long> CountAsync(TestStorage storage, DateTimeOffset from, DateTimeOffset to)
    {
        var result = await QueryAsync(storage, QueryKinds.ApiRequests, null, from, to, "PT1H");
        return JsonNode.Parse(result.Json)!.AsArray().Sum(r => r!["count"]!.GetValue<long>());
    }

    private static TestStorage Sibling(TestStorage storage, string off) => TestStorage.Create(
        AzuriteConnection(storage), new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = storage.Prefix, [$"AcsFunctions:Query:{off}"] = "false" });

    private static string AzuriteConnection(TestStorage storage) =>
        storage.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.ConnectionString!;

    private static void AssertSame(TableEntity expected, TableEntity actual)
    {
        Assert.Equal((expected.PartitionKey, expected.RowKey), (actual.PartitionKey, actual.RowKey));
        var want = expected.Where(p => p.Key is not ("odata.etag" or "Timestamp")).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var got = actual.Where(p => p.Key is not ("odata.etag" or "Timestamp")).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(want.Select(p => p.Key), got.Select(p => p.Key));
        foreach (var (w, g) in want.Zip(got))
        {
            Assert.True(w.Value?.GetType() == g.Value?.GetType(), $"{expected.RowKey}.{w.Key}: {w.Value?.GetType().Name} stored, {g.Value?.GetType().Name} in the page");
            Assert.True(w.Value is byte[] a ? a.SequenceEqual((byte[])g.Value!) : Equals(w.Value, g.Value), $"{expected.RowKey}.{w.Key}: {w.Value} stored, {g.Value} in the page");
        }
    }

    private static string Clip(string json) => json.Length > 1500 ? json[..1500] : json;

    private static Task<QueryResult> QueryAsync(TestStorage storage, string kind, string? view, DateTimeOffset from, DateTimeOffset to, string interval, Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["interval"] = interval,
            ["view"] = view,
        };
        foreach (var (k, v) in extra ?? [])
        {
            values[k] = v;
        }

        return storage.Services.GetRequiredService<QueryService>().QueryAsync(kind, values);
    }
}
