using System.Diagnostics;
using System.Globalization;
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

    private static void Run(EventBody body, int depth, IRecordSanitizer sanitizer, HandlerRegistry registry, RecordPartitions partitions)
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

            using var sanitized = sanitizer.Sanitize(Categories.OfRecord(item.Record), item.Record);
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
