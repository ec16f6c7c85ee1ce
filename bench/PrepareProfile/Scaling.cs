using System.Diagnostics;
using System.Globalization;
using AcsFunctions.Benchmarks;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Ingestion;
using AcsFunctions.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Bench.PrepareProfile;

/// <summary>
/// How each depth of the record path scales with a second thread (issue 18, P1t): the same work twice on one thread
/// against once on each of two threads at the same time (each thread prepares all the bodies, as two instances would),
/// for the stages of <see cref="Stages"/> (each record's row made and dropped) and for the whole of Prepare (the batch
/// keeps its rows until the call returns, with the observers). Best of three rounds; wall time, so run it idle.
/// </summary>
internal static class Scaling
{
    private static readonly string[] _names = ["decode", "+ privacy", "+ record id", "+ envelope and handler", "+ entity (dropped)", "whole Prepare (rows kept)"];

    public static void Print(IServiceProvider services, IReadOnlyList<EventBody> bodies)
    {
        var sanitizer = services.GetRequiredService<IRecordSanitizer>();
        var registry = services.GetRequiredService<HandlerRegistry>();
        var preparer = services.GetRequiredService<IngestPipeline>().Preparer;
        void Work(int depth)
        {
            foreach (var batch in bodies.Chunk(IngestBenchmarks.BodiesPerBatch))
            {
                if (depth == _names.Length - 1)
                {
                    preparer.Prepare(batch, 1);
                    continue;
                }

                var partitions = new RecordPartitions();
                foreach (var body in batch)
                {
                    Stages.Run(body, depth, sanitizer, registry, partitions);
                }
            }
        }

        for (var depth = 0; depth < _names.Length; depth++)
        {
            Work(depth); // warm
            var (one, two) = (double.MaxValue, double.MaxValue);
            for (var round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                Work(depth);
                Work(depth);
                one = Math.Min(one, clock.Elapsed.TotalSeconds);
                clock.Restart();
                var other = new Thread(() => Work(depth));
                other.Start();
                Work(depth);
                other.Join();
                two = Math.Min(two, clock.Elapsed.TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   scaling {_names[depth],-26} twice on one thread {one:N3} s, once on each of two {two:N3} s: {one / two:N2}×"));
        }
    }
}
