using System.Text;
using AcsFunctions.Backfill;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Records;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AcsFunctions.Tests.Backfill;

[Collection(AzuriteCollection.Name)]
public sealed class BackfillServiceTests(AzuriteFixture azurite)
{
    private static readonly string[] _recordTables = [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters];

    private static readonly string[] _aggregateTables =
    [
        TableNames.AggApiRequests, TableNames.AggCalls, TableNames.AggCallIndex, TableNames.AggCallWindows,
        TableNames.AggStreamQuality, TableNames.AggEmailDelivery, TableNames.AggEmailEngagement, TableNames.AggUsage,
    ];

    [Fact]
    public async Task RunAsync_ArchiveOfHourlyBlobs_SameRowsAndAggregatesAsIngestingTheRecordsFromAFile()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString);
        Assert.True(archive.Blobs.Count >= 6, $"only {archive.Blobs.Count} blobs");
        Assert.True(archive.Blobs.Keys.Select(k => k[..k.IndexOf('/', StringComparison.Ordinal)]).Distinct().Count() >= 3);
        await using var backfilled = TestStorage.Create(azurite.ConnectionString);
        await using var fromFile = TestStorage.Create(azurite.ConnectionString);

        var result = await Service(backfilled).RunAsync(archive.Source, Request(archive));
        var path = archive.WriteNdjson(Path.Combine(Path.GetTempPath(), $"backfill-{Guid.NewGuid():N}.ndjson"));
        IngestResult fileResult;
        try
        {
            fileResult = await fromFile.Pipeline.IngestAsync(FileBodySource.ReadFileAsync(path));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(archive.Blobs.Count, result.Blobs.Count);
        Assert.All(result.Blobs, b => Assert.Equal(BlobAction.Started, b.Action));
        Assert.Equal(archive.TotalLines, result.Ingest.Records);
        Assert.True(result.Ingest.Reconciles);
        Assert.Equal(0, result.Ingest.DeadLettered);
        Assert.Equal(fileResult.ByCategory, result.Ingest.ByCategory);
        Assert.Equal(
            await TableSnapshot.TakeAsync(fromFile, _recordTables, "SourceFile", "SourceLine"),
            await TableSnapshot.TakeAsync(backfilled, _recordTables, "SourceFile", "SourceLine"));

        await backfilled.Services.GetRequiredService<RollupService>().RunAsync();
        await fromFile.Services.GetRequiredService<RollupService>().RunAsync();
        var aggregates = await TableSnapshot.TakeAsync(backfilled, _aggregateTables);
        Assert.Contains(aggregates, r => r.StartsWith(TableNames.AggApiRequests + "|", StringComparison.Ordinal));
        Assert.Contains(aggregates, r => r.StartsWith(TableNames.AggUsage + "|", StringComparison.Ordinal));
        Assert.Equal(await TableSnapshot.TakeAsync(fromFile, _aggregateTables), aggregates);
    }

    [Fact]
    public async Task RunAsync_EveryRow_HasBlobNameAndLineAsLineage()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 150, calls: 2);
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        await Service(storage).RunAsync(archive.Source, Request(archive));

        var rows = (await storage.AllAsync(TableNames.Records)).Concat(await storage.AllAsync(TableNames.CallRecords)).ToList();
        Assert.Equal(archive.TotalLines, rows.Count);
        foreach (var row in rows)
        {
            var lineage = LineageColumns.Read(row);
            Assert.True(archive.Blobs.TryGetValue(lineage.File!, out var lines), lineage.File);
            var line = lines[(int)lineage.Line!.Value - 1];
            // The id is the canonical hash of the stored (privacy-filtered) record (issue 15), recomputable from the row.
            Assert.NotNull(line);
            Assert.Equal(RecordId.Compute((await PayloadColumns.ReadAsync(row, null))!), row.GetString("RecordId"));
        }
    }

    [Fact]
    public async Task RunAsync_UnchangedArchiveRunTwice_SecondRunReadsAndStoresNothing()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 150, calls: 2);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var service = Service(storage);
        await service.RunAsync(archive.Source, Request(archive));
        var before = await TableSnapshot.TakeAsync(storage, _recordTables);

        var second = await service.RunAsync(archive.Source, Request(archive));

        Assert.All(second.Blobs, b => Assert.Equal(BlobAction.Unchanged, b.Action));
        Assert.Equal(0, second.BytesRead);
        Assert.Equal(0, second.Ingest.Records);
        Assert.Equal(before, await TableSnapshot.TakeAsync(storage, _recordTables));
    }

    [Fact]
    public async Task RunAsync_InterruptedMidBlob_RerunContinuesAndStoresEveryRecordExactlyOnce()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 600, calls: 4);
        var biggest = archive.Blobs.MaxBy(b => b.Value.Sum(l => l.Length))!;
        Assert.True(biggest.Value.Sum(l => l.Length) > 16 * 1024, "the biggest blob must span several chunks");
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var reference = TestStorage.Create(azurite.ConnectionString);
        var container = biggest.Key[..biggest.Key.IndexOf('/', StringComparison.Ordinal)];
        var category = ArchiveContainers.CategoryOf(container)!;
        var lines = archive.Blobs.Where(b => b.Key.StartsWith(container + "/", StringComparison.Ordinal)).Sum(b => b.Value.Count);
        var request = Request(archive) with { Categories = [category], ChunkBytes = 4 * 1024 };
        using var cts = new CancellationTokenSource();
        var chunks = 0;
        long firstRunRecords = 0;
        var stop = new SyncProgress(p =>
        {
            firstRunRecords = p.Records;
            if (p.CurrentBlob == biggest.Key && ++chunks == 2)
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Service(storage).RunAsync(archive.Source, request, stop, cts.Token));
        var rerun = await Service(storage).RunAsync(archive.Source, request);
        await Service(reference).RunAsync(archive.Source, request with { ChunkBytes = ArchiveChunkReader.DefaultChunkBytes });

        var resumed = Assert.Single(rerun.Blobs, b => b.Action == BlobAction.Resumed);
        Assert.Equal(biggest.Key, resumed.Blob);
        Assert.True(resumed.FirstLine > 1 && resumed.FirstLine + resumed.Lines - 1 == biggest.Value.Count, $"resumed at {resumed.FirstLine}");
        Assert.Equal(lines, firstRunRecords + rerun.Ingest.Records); // no line read twice
        var rows = (await storage.AllAsync(TableNames.Records)).Count + (await storage.AllAsync(TableNames.CallRecords)).Count;
        Assert.Equal(lines, rows);
        Assert.Equal(await TableSnapshot.TakeAsync(reference, _recordTables), await TableSnapshot.TakeAsync(storage, _recordTables));
    }

    [Fact]
    public async Task RunAsync_LinesAppendedToABlob_IngestsOnlyTheNewLines()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 300, calls: 2, appendBlobs: true);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var service = Service(storage);
        var key = archive.Blobs.Keys.First(k => k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal));
        var all = archive.Blobs[key].ToList();
        var keep = all.Count / 2;
        await archive.Client.GetBlobContainerClient(key[..key.IndexOf('/', StringComparison.Ordinal)]).GetBlobClient(key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]).DeleteAsync();
        archive.Blobs[key] = all[..keep];
        await archive.UploadAsync(key, all[..keep], appendBlob: true);
        await service.RunAsync(archive.Source, Request(archive));

        await archive.AppendLinesAsync(key, all[keep..]);
        var second = await service.RunAsync(archive.Source, Request(archive));

        var grown = Assert.Single(second.Blobs, b => b.Action == BlobAction.Grown);
        Assert.Equal(key, grown.Blob);
        Assert.Equal(keep + 1, grown.FirstLine);
        Assert.Equal(all.Count - keep, grown.Records);
        Assert.Equal(all.Count - keep, second.Ingest.Records);
        Assert.All(second.Blobs.Where(b => b.Blob != key), b => Assert.Equal(BlobAction.Unchanged, b.Action));
        var rows = (await storage.AllAsync(TableNames.Records)).Where(r => r.GetString("SourceFile") == key).ToList();
        Assert.Equal(all.Count, rows.Count);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), rows.Select(r => r.GetInt64("SourceLine")!.Value).Order());
    }

    [Fact]
    public async Task RunAsync_UnterminatedLastLineOfAYoungBlob_LeftForTheNextRun_OfAnOldBlobTakenAsIs()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 300, calls: 2, appendBlobs: true);
        var clock = new FakeTimeProvider(TestArchive.Start); // the archive's own time, not TestStorage's later clock
        await using var storage = TestStorage.Create(azurite.ConnectionString, configure: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var service = Service(storage);
        var key = archive.Blobs.Keys.First(k => k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal));
        var complete = archive.Blobs[key].Count;
        var hour = ArchiveBlobPath.TryParse(key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..], out var path) ? path!.Hour : throw new InvalidOperationException(key);
        var last = archive.Blobs[key][^1].Replace("\"resultSignature\"", "\"note\":\"appended\",\"resultSignature\"", StringComparison.Ordinal);
        Assert.NotEqual(archive.Blobs[key][^1], last);
        var cut = last.Length / 2;
        await AppendRawAsync(archive, key, last[..cut]); // the platform is still writing this line
        var request = Request(archive) with { Categories = ["ChatOperational"] };

        clock.SetUtcNow(hour.AddHours(2).AddMinutes(59)); // the hour ended 1 h 59 min ago: not final yet
        var young = await service.RunAsync(archive.Source, request);
        await AppendRawAsync(archive, key, last[cut..] + "\n"); // the line is finished
        var next = await service.RunAsync(archive.Source, request);

        var first = Assert.Single(young.Blobs, b => b.Blob == key);
        Assert.Equal(complete, first.Records); // every whole line, not the unterminated one
        Assert.Equal(0, young.Ingest.DeadLettered);
        var grown = Assert.Single(next.Blobs, b => b.Blob == key);
        Assert.Equal((BlobAction.Grown, complete + 1L, 1L), (grown.Action, grown.FirstLine, grown.Records));
        Assert.Equal(0, next.Ingest.DeadLettered);
        var rows = (await storage.AllAsync(TableNames.Records)).Where(r => r.GetString("SourceFile") == key).ToList();
        Assert.Equal(complete + 1, rows.Count);
        Assert.Contains(rows, r => r.GetString(PayloadColumns.Raw)!.Contains("appended", StringComparison.Ordinal));

        // Once the hour ended 2 h ago the blob is final: an unterminated (here broken) last line is taken as it is.
        await AppendRawAsync(archive, key, "{\"time\":\"2026-11-20T10:59:59Z\",\"category\":\"ChatOp");
        clock.SetUtcNow(hour.AddHours(3));
        var final = await service.RunAsync(archive.Source, request);

        Assert.Equal(1, Assert.Single(final.Blobs, b => b.Blob == key).Records);
        Assert.Equal(1, final.Ingest.DeadLetteredByReason["invalid-json"]);
        var dead = Assert.Single(await storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal((key, complete + 2L), (dead.GetString("SourceFile"), dead.GetInt64("SourceLine")));
    }

    [Fact]
    public async Task RunAsync_NdjsonBlobCutIntoChunks_IsDecodedLineByLine_SameCountsAndRowsAsTheContentInOnePiece()
    {
        // A PT1H.json of one record per line, with a run of lines the platform cut short and blank lines in the middle.
        // Cut into small chunks, some chunks hold only broken (or blank) lines: decoded on their own as bodies of unknown
        // shape, such a chunk would be one dead letter (or an empty body) instead of one per line. Backfill passes on that
        // the blob is NDJSON, so every chunk is read line by line, as the whole blob is: the same records and dead letters
        // (a broken line that ends a chunk, before blank lines, is dead-lettered as the line alone, as in one piece).
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 120, calls: 1);
        var key = archive.Blobs.Keys.First(k => k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal));
        var valid = archive.Blobs[key];
        Assert.True(valid.Count >= 8, $"only {valid.Count} lines in {key}");
        var broken = valid.Take(6).Select(l => l[..(l.Length / 2)]).ToList();
        List<string> lines = [.. valid.Take(4), .. broken[..3], "", "", "", .. broken[3..], "", .. valid.Skip(4)];
        await archive.UploadAsync(key, lines);
        var content = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        const int ChunkBytes = 700;
        var chunks = new List<ArchiveChunk>();
        await foreach (var chunk in ArchiveChunkReader.ReadAsync(new MemoryStream(content), 0, 1, isFinal: true, ChunkBytes))
        {
            chunks.Add(chunk);
        }

        Assert.Contains(chunks, c => c.IsNdjson && c.Lines >= 2 && Encoding.UTF8.GetString(c.Data.Span).Split('\n').All(l => !l.EndsWith('}')));
        await using var backfilled = TestStorage.Create(azurite.ConnectionString);
        await using var onePiece = TestStorage.Create(azurite.ConnectionString);

        var hour = ArchiveBlobPath.TryParse(key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..], out var path) ? path!.Hour : throw new InvalidOperationException(key);
        var result = await Service(backfilled).RunAsync(archive.Source, Request(archive) with { Categories = ["ChatOperational"], From = hour, To = hour.AddHours(1), ChunkBytes = ChunkBytes });
        var whole = await onePiece.Pipeline.IngestAsync([new EventBody(content, new Lineage { File = key, Line = 1 })]);

        Assert.True(chunks.Count >= 4, $"{chunks.Count} chunks");
        Assert.Equal((BlobAction.Started, (long)lines.Count), (Assert.Single(result.Blobs).Action, Assert.Single(result.Blobs).Lines));
        Assert.Equal((valid.Count + broken.Count, valid.Count, broken.Count), (whole.Records, whole.Stored, whole.DeadLettered));
        Assert.Equal((whole.Records, whole.Stored, whole.Unclassified, whole.DeadLettered), (result.Ingest.Records, result.Ingest.Stored, result.Ingest.Unclassified, result.Ingest.DeadLettered));
        Assert.Equal(whole.DeadLetteredByReason, result.Ingest.DeadLetteredByReason);
        Assert.Equal(await TableSnapshot.TakeAsync(onePiece, _recordTables), await TableSnapshot.TakeAsync(backfilled, _recordTables));
    }

    [Fact]
    public async Task RunAsync_WholeDocumentBlobAndNdjsonBlob_EachDecodedAsItsShape_RightRecordsAndDeadLetters()
    {
        // Archives hold either shape: one {"records":[…]} document over many lines (older or hand-made exports) or one
        // record per line. Backfill must tell the decoder which one each chunk is: a pretty-printed document decoded line
        // by line would be a dead letter per line, and NDJSON chunks decoded as documents one dead letter per chunk of
        // broken lines. In one run, a whole-document blob (with one record that is not an object) and an NDJSON blob
        // (with broken lines), both cut at small chunk sizes, give exactly what each blob ingested in one piece gives.
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 120, calls: 1);
        var chat = archive.Blobs.Keys.Where(k => k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal)).ToList();
        Assert.True(chat.Count >= 2, $"only {chat.Count} chat blobs");
        var (documentKey, ndjsonKey) = (chat[0], chat[1]);
        var documentRecords = archive.Blobs[documentKey];
        List<string> document = ["{", "  \"records\": [", .. documentRecords.Take(1).Select(l => "    " + l + ","), "    42,", .. documentRecords.Skip(1).Select((l, i) => "    " + l + (i < documentRecords.Count - 2 ? "," : "")), "  ]", "}"];
        var ndjsonRecords = archive.Blobs[ndjsonKey];
        List<string> ndjson = [.. ndjsonRecords.Take(3), ndjsonRecords[3][..(ndjsonRecords[3].Length / 2)], ndjsonRecords[4][..(ndjsonRecords[4].Length / 3)], .. ndjsonRecords.Skip(5)];
        await archive.UploadAsync(documentKey, document);
        await archive.UploadAsync(ndjsonKey, ndjson);
        const int ChunkBytes = 600;
        Assert.True(string.Concat(document).Length > 4 * ChunkBytes && string.Concat(ndjson).Length > 4 * ChunkBytes, "both blobs must be several chunk sizes long");
        await using var backfilled = TestStorage.Create(azurite.ConnectionString);
        await using var onePiece = TestStorage.Create(azurite.ConnectionString);

        var result = await Service(backfilled).RunAsync(archive.Source, Request(archive) with { Categories = ["ChatOperational"], ChunkBytes = ChunkBytes });
        var whole = new Dictionary<string, IngestResult>();
        foreach (var key in chat)
        {
            var lines = key == documentKey ? document : key == ndjsonKey ? ndjson : archive.Blobs[key];
            whole[key] = await onePiece.Pipeline.IngestAsync([new EventBody(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))), new Lineage { File = key, Line = 1 })]);
        }

        Assert.Equal((documentRecords.Count + 1, documentRecords.Count, 1), (whole[documentKey].Records, whole[documentKey].Stored, whole[documentKey].DeadLettered));
        Assert.Equal(1, whole[documentKey].DeadLetteredByReason[DeadLetterReasons.NotAnObject]);
        Assert.Equal((ndjsonRecords.Count, ndjsonRecords.Count - 2, 2), (whole[ndjsonKey].Records, whole[ndjsonKey].Stored, whole[ndjsonKey].DeadLettered));
        Assert.Equal(2, whole[ndjsonKey].DeadLetteredByReason[DeadLetterReasons.InvalidJson]);
        Assert.Equal(chat, result.Blobs.Select(b => b.Blob).Order(StringComparer.Ordinal));
        Assert.Equal(whole[documentKey].Records, Assert.Single(result.Blobs, b => b.Blob == documentKey).Records);
        Assert.Equal(whole[ndjsonKey].Records, Assert.Single(result.Blobs, b => b.Blob == ndjsonKey).Records);
        Assert.Equal(
            (whole.Values.Sum(r => r.Records), whole.Values.Sum(r => r.Stored), whole.Values.Sum(r => r.DeadLettered)),
            (result.Ingest.Records, result.Ingest.Stored, result.Ingest.DeadLettered));
        Assert.True(result.Ingest.Reconciles);
        Assert.Equal(await TableSnapshot.TakeAsync(onePiece, _recordTables), await TableSnapshot.TakeAsync(backfilled, _recordTables));
    }

    [Fact]
    public async Task RunAsync_BlobRewrittenWithOtherContent_IsReadAgainAndOnlyNewRecordsAdded()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 150, calls: 2);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var service = Service(storage);
        await service.RunAsync(archive.Source, Request(archive));
        var key = archive.Blobs.Keys.First(k => k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal));
        var lines = archive.Blobs[key];
        var rewritten = lines.Skip(1).Append(lines[0]).ToList(); // same records, other order: not growth
        await archive.UploadAsync(key, rewritten);

        var second = await service.RunAsync(archive.Source, Request(archive));

        var restarted = Assert.Single(second.Blobs, b => b.Action == BlobAction.Restarted);
        Assert.Equal(key, restarted.Blob);
        Assert.Equal(lines.Count, restarted.Records);
        var rows = (await storage.AllAsync(TableNames.Records)).Count + (await storage.AllAsync(TableNames.CallRecords)).Count;
        Assert.Equal(archive.TotalLines, rows);
    }

    [Fact]
    public async Task RunAsync_BlobReplacedBetweenListingAndReading_ReportedAndPickedUpByTheNextRun()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 150, calls: 2);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var chat = archive.Blobs.Keys.Where(k => k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal)).ToList();
        Assert.True(chat.Count >= 2);
        var replaced = archive.Blobs[chat[1]].Append(archive.Blobs[chat[0]][0]).ToList();
        var request = Request(archive) with { Categories = ["ChatOperational"] };
        var replace = new SyncProgress(p =>
        {
            if (p.BlobsDone == 1 && p.CurrentBlob is null)
            {
                archive.UploadAsync(chat[1], replaced).GetAwaiter().GetResult(); // after the listing, before the read
            }
        });

        var first = await Service(storage).RunAsync(archive.Source, request, replace);
        var second = await Service(storage).RunAsync(archive.Source, request);

        Assert.Equal(BlobAction.ChangedWhileReading, first.Blobs[1].Action);
        Assert.Equal(0, first.Blobs[1].Records);
        var reread = Assert.Single(second.Blobs, b => b.Action != BlobAction.Unchanged);
        Assert.Equal((chat[1], BlobAction.Started, (long)replaced.Count), (reread.Blob, reread.Action, reread.Records));
    }

    /// <summary>
    /// A 404 from the destination inside the read loop (here its payload container deleted under a running store) is the
    /// destination's error and fails the run. Before, every 404/412 there was taken for the archive blob changing while
    /// read: the blob was reported ChangedWhileReading and the run succeeded.
    /// </summary>
    [Fact]
    public async Task RunAsync_DestinationAnswers404WhileReading_FailsWithIt_NotChangedWhileReading()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 20, calls: 1);
        await archive.AddIncompressibleLineAsync();
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Services.GetRequiredService<PayloadStore>().PutAsync("primed", new byte[] { 1 }); // the store has made its container
        await storage.Storage.BlobService!.GetBlobContainerClient(storage.Prefix.ToLowerInvariant()).DeleteAsync();

        var ex = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Service(storage).RunAsync(archive.Source, Request(archive)));

        Assert.Equal((404, "ContainerNotFound"), (ex.Status, ex.ErrorCode));
    }

    [Fact]
    public async Task RunAsync_CategoryAndTimeFilters_ReadOnlyMatchingBlobs()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 150, calls: 2);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var from = TestArchive.Start.AddMinutes(45); // 11:15 → the 11:00 hour is included
        var to = TestArchive.Start.AddMinutes(90);   // 12:00 → the 12:00 hour is not
        var request = Request(archive) with { Categories = ["ChatOperational", "smsoperational"], From = from, To = to };

        var result = await Service(storage).RunAsync(archive.Source, request);

        var expected = archive.Blobs.Keys.Where(k =>
            (k.StartsWith("insights-logs-chatoperational/", StringComparison.Ordinal) || k.StartsWith("insights-logs-smsoperational/", StringComparison.Ordinal)) &&
            k.Contains("/h=11/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Blobs.Select(b => b.Blob).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Sum(k => archive.Blobs[k].Count), result.Ingest.Records);
    }

    [Fact]
    public async Task ListAsync_WithoutResourceFilter_DiscoversEveryResourceOfTheArchive()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 60, calls: 1);

        var listed = new List<string>();
        await foreach (var blob in archive.Source.ListAsync([], [], TestArchive.Start.AddHours(-1), TestArchive.Start.AddHours(6)))
        {
            listed.Add(blob.FullName);
        }

        Assert.True(archive.Blobs.Keys.All(listed.Contains), $"listed {listed.Count}: {string.Join(", ", listed.Take(3))}; missing {string.Join(", ", archive.Blobs.Keys.Where(k => !listed.Contains(k)).Take(3))}");
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public async Task ListAsync_RangeLongerThanTheDayByDayLimit_StillFindsTheBlobs()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 60, calls: 1);

        var listed = new List<string>();
        await foreach (var blob in archive.Source.ListAsync([], [archive.ResourceId], TestArchive.Start.AddDays(-100), TestArchive.Start.AddDays(100)))
        {
            listed.Add(blob.FullName);
        }

        Assert.Equal(archive.Blobs.Keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    private static async Task AppendRawAsync(TestArchive archive, string key, string text)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var blob = archive.Client.GetBlobContainerClient(key[..slash]).GetAppendBlobClient(key[(slash + 1)..]);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await blob.AppendBlockAsync(content);
    }

    private static BackfillService Service(TestStorage storage) => storage.Services.GetRequiredService<BackfillService>();

    private static BackfillRequest Request(TestArchive archive) => new()
    {
        Resources = [archive.ResourceId],
        From = TestArchive.Start.AddHours(-1),
        To = TestArchive.Start.AddHours(6),
    };

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
