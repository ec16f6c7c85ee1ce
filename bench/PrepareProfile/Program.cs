using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AcsFunctions.Benchmarks;
using AcsFunctions.Hosting;
using AcsFunctions.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// P1 alone: generates --mb MiB of bodies, then measures IngestBenchmarks.DecodeVersusScan (the same code as
// `acs-diag bench`) --repeat times, printing one ratio per round. Storage is configured but never contacted:
// Prepare does not write. Use --repeat to keep the process busy for a CPU trace (dotnet-trace collect -- ...).
// --set Key=Value (repeatable) overrides a setting, e.g. --set AcsFunctions:Drift:Enabled=false to measure without
// the drift observer. --columns prints which stored columns hold values made for their row alone. --alloc prints what one thread's Prepare (or --threads N threads') allocates, by type (sampled). --stages adds a stopwatch breakdown of one thread's Prepare by stage, --loop the front of the record
// path per record, before (body document) and after (body split, bytes path) in turn (see Stages.cs). --floor prints
// what every record costs at least while row keys stay as they are: a scan, the canonical form, SHA-256 (see Floor.cs).
var mb = Arg("--mb", 20);
var bytes = 0L;
var repeat = Arg("--repeat", 1);
var settings = new Dictionary<string, string?>
{
    ["AcsFunctions:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
    ["AcsFunctions:Privacy:AllowDevelopmentKey"] = "true",
};
for (var i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
    {
        settings[key] = value;
    }
}

var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(configuration);
services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
services.AddAcsFunctionsCore(configuration);
await using var provider = services.BuildServiceProvider();
var pipeline = provider.GetRequiredService<IngestPipeline>();

var clock = Stopwatch.StartNew();
var bodies = IngestBenchmarks.GenerateBodies(mb * 1_048_576L);
bytes = bodies.Sum(b => (long)b.Data.Length);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {bodies.Count} bodies in {clock.Elapsed.TotalSeconds:N1} s"));
if (args.Contains("--floor"))
{
    AcsFunctions.Bench.PrepareProfile.Floor.Print(provider, bodies, bytes);
    return;
}

if (args.Contains("--scaling"))
{
    AcsFunctions.Bench.PrepareProfile.Scaling.Print(provider, bodies);
    return;
}

if (args.Contains("--alloc"))
{
    // Prepare on one thread (warm: two passes first), with the runtime's allocation ticks counted by type.
    PrepareCpu(1);
    using var ticks = new AcsFunctions.Bench.PrepareProfile.Allocations();
    var counted = 0L;
    ticks.Start();
    foreach (var batch in bodies.Chunk(IngestBenchmarks.BodiesPerBatch))
    {
        counted += pipeline.Preparer.Prepare(batch, Arg("--threads", 1)).Records;
    }

    ticks.Stop();
    ticks.Print(counted);
    return;
}

if (args.Contains("--columns"))
{
    // Which stored columns hold a string, boxed value or array made for this row alone (not shared with another row):
    // the row's own bytes per record, by column.
    var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
    var own = new Dictionary<string, (long Bytes, long Count)>(StringComparer.Ordinal);
    var rows = 0L;
    foreach (var batch in bodies.Chunk(IngestBenchmarks.BodiesPerBatch))
    {
        foreach (var pending in pipeline.Preparer.Prepare(batch, 1).State.Pending)
        {
            rows++;
            foreach (var (name, value) in pending.Write.Entity)
            {
                if (value is null || !seen.Add(value))
                {
                    continue;
                }

                var size = value switch
                {
                    string text => 22L + (2L * text.Length),
                    byte[] array => 24L + array.Length,
                    AcsFunctions.Storage.Utf8Text utf8 => 24L + 24L + utf8.Utf8.Length, // the object and its byte array
                    _ => 24L,
                };
                var (sum, count) = own.GetValueOrDefault(name);
                own[name] = (sum + ((size + 7) & ~7L), count + 1);
            }
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {rows:N0} rows, {own.Values.Sum(c => c.Bytes) / (double)rows:N0} bytes per row in values of their own"));
    foreach (var (name, (sum, count)) in own.OrderByDescending(c => c.Value.Bytes).Take(30))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {sum / (double)rows,7:N1} B/row  {count * 100.0 / rows,5:N0} % of rows  {name}"));
    }

    return;
}

if (args.Contains("--cpu-only"))
{
    // Prepare alone on one thread, best of --repeat passes of 3 (for A/B runs of two builds in turn on a loaded machine).
    var threads = Arg("--threads", 1);
    var (cpuBest, _, _, cpuRecord) = PrepareCpu(threads);
    for (var i = 1; i < repeat; i++)
    {
        var (cpu, _, _, _) = PrepareCpu(threads);
        cpuBest = cpu < cpuBest ? cpu : cpuBest;
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"   Prepare alone: CPU {cpuBest.TotalSeconds * 10 * 1_048_576 / bytes:N3} s per 10 MiB ({bytes / 1_048_576.0 / cpuBest.TotalSeconds:N1} MiB per CPU-second), allocated {cpuRecord.Allocated * 10.0 / bytes:N1} MiB per 10 MiB ({cpuRecord.Allocated / (double)cpuRecord.Records:N0} bytes per record)"));
    return;
}

for (var i = 0; i < repeat; i++)
{
    var gc = GC.CollectionCount(0);
    var allocated = GC.GetTotalAllocatedBytes();
    var figures = IngestBenchmarks.DecodeVersusScan(pipeline, bodies, Math.Max(2, Environment.ProcessorCount));
    var (figure, scaling) = (figures[0], figures[1]);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"P1 ours {figure.Ours:N1} MiB/s, scan {figure.Baseline:N1} MiB/s, ratio {figure.Ratio:N3} ({figure.Volume}); on {Math.Max(2, Environment.ProcessorCount)} threads {scaling.Ours:N1} MiB/s ({scaling.Ratio:N2}× one thread); gen0 {GC.CollectionCount(0) - gc}, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1_048_576.0:N0} MiB"));

    // Three more passes of Prepare alone on one thread, in CPU time (less sensitive to other load on a shared machine
    // than wall time); the best is printed. Then the same on every core (CPU time summed over the threads, and wall).
    var (best, pause, _, perRecord) = PrepareCpu(1);
    var (bestAll, pauseAll, wallAll, _) = PrepareCpu(Environment.ProcessorCount);

    // For scale: JsonDocument.Parse of the same bodies and nothing else (what any DOM-based decoder pays).
    var parse = TimeSpan.MaxValue;
    for (var pass = 0; pass < 3; pass++)
    {
        var parsing = Stopwatch.StartNew();
        foreach (var body in bodies)
        {
            using var document = JsonDocument.Parse(body.Data);
        }

        parse = parsing.Elapsed < parse ? parsing.Elapsed : parse;
    }

    if (args.Contains("--loop"))
    {
        AcsFunctions.Bench.PrepareProfile.Stages.Loop(provider, bodies);
    }

    if (args.Contains("--stages"))
    {
        AcsFunctions.Bench.PrepareProfile.Stages.Print(provider, bodies, bytes);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   JsonDocument.Parse alone, best of 3: {bytes / 1_048_576.0 / parse.TotalSeconds:N1} MiB/s"));
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"   Prepare alone, best of 3: CPU {best.TotalSeconds:N2} s ({bytes / 1_048_576.0 / best.TotalSeconds:N1} MiB per CPU-second), GC pauses {pause.TotalSeconds:N2} s, allocated {perRecord.Allocated / 1_048_576.0 * 10 * 1_048_576 / bytes:N1} MiB per 10 MiB ({perRecord.Allocated / (double)perRecord.Records:N0} bytes per record)"));
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"   Prepare on {Environment.ProcessorCount} threads, best of 3: CPU {bestAll.TotalSeconds:N2} s ({bytes / 1_048_576.0 / bestAll.TotalSeconds:N1} MiB per CPU-second), wall {wallAll.TotalSeconds:N2} s ({bytes / 1_048_576.0 / wallAll.TotalSeconds:N1} MiB/s), GC pauses {pauseAll.TotalSeconds:N2} s"));
}

(TimeSpan Cpu, TimeSpan Pause, TimeSpan Wall, (long Allocated, long Records) PerRecord) PrepareCpu(int parallelism)
{
    var best = TimeSpan.MaxValue;
    var allocated = 0L;
    var records = 0L;
    var pause = TimeSpan.Zero;
    var wall = TimeSpan.MaxValue;
    for (var pass = 0; pass < 3; pass++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var paused = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        // One thread's allocation exactly; on several threads the whole process's (the helper threads allocate too).
        var before = parallelism == 1 ? GC.GetAllocatedBytesForCurrentThread() : GC.GetTotalAllocatedBytes(precise: true);
        records = 0;
        foreach (var batch in bodies.Chunk(IngestBenchmarks.BodiesPerBatch))
        {
            records += pipeline.Preparer.Prepare(batch, parallelism).Records;
        }

        allocated = (parallelism == 1 ? GC.GetAllocatedBytesForCurrentThread() : GC.GetTotalAllocatedBytes(precise: true)) - before;

        wall = clock.Elapsed < wall ? clock.Elapsed : wall;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (used < best)
        {
            best = used;
            pause = GC.GetTotalPauseDuration() - paused;
        }
    }

    return (best, pause, wall, (allocated, records));
}

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
