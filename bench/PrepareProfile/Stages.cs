using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AcsFunctions.Benchmarks;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using AcsFunctions.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Bench.PrepareProfile;

/// <summary>
/// A stopwatch breakdown of Prepare on one thread (no trace): each pass runs the stages of one record up to a
/// point, so the difference between consecutive passes is what that stage adds. The stages are the public steps the
/// pipeline calls per record, in its order (the envelope as <c>RecordEnvelope</c> reads it, the record partitions' keys
/// made once per batch of bodies, as Prepare does). The last row is the whole of Prepare on one thread, measured the same way: what it adds
/// is observers, marks, dead letters and the batch state, less what the partition keys save.
/// </summary>
internal static class Stages
{
    private static readonly string[] _names = ["decode", "+ privacy", "+ record id", "+ envelope and handler", "+ entity", "whole Prepare"];

    public static void Print(IServiceProvider services, IReadOnlyList<EventBody> bodies, long bytes)
    {
        var sanitizer = services.GetRequiredService<IRecordSanitizer>();
        var registry = services.GetRequiredService<HandlerRegistry>();
        var preparer = services.GetRequiredService<IngestPipeline>().Preparer;
        var previous = 0.0;
        var previousAllocated = 0L;
        for (var depth = 0; depth < _names.Length; depth++)
        {
            var best = double.MaxValue;
            var allocated = 0L;
            for (var pass = 0; pass < 3; pass++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                if (depth == _names.Length - 1)
                {
                    foreach (var batch in bodies.Chunk(IngestBenchmarks.BodiesPerBatch))
                    {
                        preparer.Prepare(batch, 1);
                    }
                }
                else
                {
                    // Per batch, as Prepare: the record partitions' keys are made once per batch.
                    foreach (var batch in bodies.Chunk(IngestBenchmarks.BodiesPerBatch))
                    {
                        var partitions = new RecordPartitions();
                        foreach (var body in batch)
                        {
                            Run(body, depth, sanitizer, registry, partitions);
                        }
                    }
                }

                best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"   stage {_names[depth],-24} CPU {best:N2} s cumulative ({best - previous:+0.00;-0.00} s; {bytes / 1_048_576.0 / best:N1} MiB per CPU-second), allocated {allocated / 1_048_576.0:N0} MiB ({(allocated - previousAllocated) / 1_048_576.0:+0;-0} MiB)"));
            previous = best;
            previousAllocated = allocated;
        }
    }

    /// <summary>
    /// The front of the record path per record, in a loop over the records of <paramref name="bodies"/> (best of 5 wall
    /// time each): the body's document and the element path (before the 6 December second round) against the reader
    /// split and the bytes path (category from the bytes, privacy pass, one parse).
    /// </summary>
    public static void Loop(IServiceProvider services, IReadOnlyList<EventBody> bodies)
    {
        var sanitizer = services.GetRequiredService<IRecordSanitizer>();
        var records = new List<ReadOnlyMemory<byte>>();
        var categories = new List<string?>();
        foreach (var body in bodies)
        {
            using var decoded = BodyDecoder.Decode(body);
            var split = decoded.Items.Where(i => i.DeadLetter is null && !i.Utf8.IsEmpty).ToList();
            records.AddRange(split.Select(i => i.Utf8));
            categories.AddRange(split.Select(i => i.Category));
        }

        var count = records.Count;
        var (taken, changed) = (0, 0);
        foreach (var record in records)
        {
            using var sanitized = RecordProcessor.Sanitize(sanitizer, record);
            taken += sanitized.RecordId is null ? 0 : 1;
            changed += sanitized.Utf8Span.SequenceEqual(record.Span) ? 0 : 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   loop over {count:N0} records: the privacy pass took {taken:N0}, {changed:N0} rewritten"));
        var timings = new List<(string Name, Action Action)>();
        void Time(string name, int records, Action action) => timings.Add((name, action));
        Time("front before: body document, category from the DOM, privacy of the element", count, () =>
        {
            foreach (var body in bodies)
            {
                using var decoded = BodyDecoder.Decode(body, split: false);
                foreach (var item in decoded.Items)
                {
                    if (item.DeadLetter is null)
                    {
                        using var sanitized = sanitizer.Sanitize(Categories.OfRecord(item.Record), item.Record);
                    }
                }
            }
        });
        Time("front after: body split with categories, privacy of the bytes", count, () =>
        {
            foreach (var body in bodies)
            {
                using var decoded = BodyDecoder.Decode(body);
                foreach (var item in decoded.Items)
                {
                    if (item.DeadLetter is null)
                    {
                        using var sanitized = item.Utf8.IsEmpty
                            ? sanitizer.Sanitize(Categories.OfRecord(item.Record), item.Record)
                            : RecordProcessor.Sanitize(sanitizer, item.Utf8, item.Category);
                    }
                }
            }
        });
        Time("body document (JsonDocument.Parse of each body)", count, () =>
        {
            foreach (var body in bodies)
            {
                using var document = JsonDocument.Parse(body.Data);
            }
        });
        Time("body split (reader scan of each body)", count, () =>
        {
            foreach (var body in bodies)
            {
                using var decoded = BodyDecoder.Decode(body);
            }
        });
        Time("record parse (JsonDocument.Parse of each record)", count, () =>
        {
            foreach (var record in records)
            {
                using var document = JsonDocument.Parse(record);
            }
        });
        var documents = records.Select(r => JsonDocument.Parse(r)).ToList();
        Time("category from the DOM (Categories.OfRecord)", count, () =>
        {
            foreach (var document in documents)
            {
                Categories.OfRecord(document.RootElement);
            }
        });
        Time("category from the bytes (Categories.TryOfRecord)", count, () =>
        {
            foreach (var record in records)
            {
                Categories.TryOfRecord(record.Span, out _);
            }
        });
        Time("privacy from the element (pass + re-parse of rewritten)", count, () =>
        {
            foreach (var document in documents)
            {
                using var sanitized = sanitizer.Sanitize(Categories.OfRecord(document.RootElement), document.RootElement);
            }
        });
        Time("privacy from the bytes (category from the split, pass, one parse)", count, () =>
        {
            for (var i = 0; i < records.Count; i++)
            {
                using var sanitized = RecordProcessor.Sanitize(sanitizer, records[i], categories[i]);
            }
        });
        // Rounds of every timing in turn (a load change moves them alike), the best of 9 each.
        var best = timings.Select(_ => TimeSpan.MaxValue).ToArray();
        var allocated = new long[timings.Count];
        for (var round = 0; round < 9; round++)
        {
            for (var i = 0; i < timings.Count; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                timings[i].Action();
                best[i] = clock.Elapsed < best[i] ? clock.Elapsed : best[i];
                allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        for (var i = 0; i < timings.Count; i++)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"   loop {timings[i].Name,-58} {best[i].TotalMilliseconds * 1000 / count:N2} µs per record, {allocated[i] / (double)count:N0} bytes per record"));
        }

        foreach (var document in documents)
        {
            document.Dispose();
        }
    }

    internal static void Run(EventBody body, int depth, IRecordSanitizer sanitizer, HandlerRegistry registry, RecordPartitions partitions)
    {
        using var decoded = BodyDecoder.Decode(body);
        if (depth == 0)
        {
            return;
        }

        foreach (var item in decoded.Items)
        {
            if (item.DeadLetter is not null)
            {
                continue;
            }

            // As RecordProcessor: a record split out of its body by its bytes is parsed once, after the privacy pass.
            using var sanitized = item.Utf8.IsEmpty
                ? sanitizer.Sanitize(Categories.OfRecord(item.Record), item.Record)
                : RecordProcessor.Sanitize(sanitizer, item.Utf8, item.Category);
            if (depth == 1)
            {
                continue;
            }

            var id = sanitized.RecordId ?? RecordId.Compute(sanitized.Utf8Span); // as RecordProcessor: the privacy pass's id when it made one
            if (depth == 2)
            {
                continue;
            }

            using var record = new DiagnosticRecord(sanitized.Element);
            if (!RecordEnvelope.TryRead(record, sanitized.Utf8Span, id, item.Lineage, out var context, out _))
            {
                continue;
            }

            var outcome = registry.Resolve(context.Category).Handle(context);
            if (depth == 3 || outcome.Record is not { } enriched)
            {
                continue;
            }

            RecordRows.TryBuild(context, enriched, sanitized.Utf8Span, partitions.Of(context, enriched.Placement), out _);
        }
    }
}
