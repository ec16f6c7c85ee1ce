// P2a's two sides alone (the same rounds as `acs-diag bench --only P2`: IngestBenchmarks.IngestRoundAsync and
// RawRoundAsync), one line per round with this process's CPU, GC pauses and collections, bytes allocated and
// transactions. Starts its own in-memory Azurite (8 GiB node heap), generates --mb MiB of bodies, warms both sides up on
// an eighth of them, then runs --rounds rounds of --side (ingest, raw or both, alternated).
// For a CPU trace of the timed rounds only: start perf with a control FIFO and recording disabled, and pass the FIFO:
//   mkfifo /tmp/ctl && DOTNET_PerfMapEnabled=1 perf record -F 499 -g --control fifo:/tmp/ctl -D -1 -o perf.data -- \
//     dotnet bench/IngestProfile/bin/Release/net10.0/IngestProfile.dll --side ingest --perf-control /tmp/ctl
// --set Key=Value (repeatable) overrides a setting of every store, e.g. --set AcsFunctions:Drift:Enabled=false.
using System.Globalization;
using AcsFunctions.Azurite;
using AcsFunctions.Benchmarks;
using AcsFunctions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

var mb = int.Parse(Arg("--mb") ?? "20", CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
var side = Arg("--side") ?? "both";
var control = Arg("--perf-control");
var overrides = new Dictionary<string, string?>();
for (var i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
    {
        overrides[key] = value;
    }
}

await using var azurite = await AzuriteHost.StartAsync(new AzuriteOptions { NodeHeapMegabytes = 8192 });
IServiceProvider NewStore()
{
    var values = new Dictionary<string, string?>
    {
        ["AcsFunctions:Storage:ConnectionString"] = azurite.ConnectionString,
        ["AcsFunctions:Storage:TablePrefix"] = "prof" + Guid.NewGuid().ToString("N")[..8],
        ["AcsFunctions:Privacy:AllowDevelopmentKey"] = "true",
    };
    foreach (var (key, value) in overrides)
    {
        values[key] = value;
    }

    var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    var services = new ServiceCollection();
    services.AddSingleton<IConfiguration>(configuration);
    services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
    services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
    services.AddAcsFunctionsCore(configuration);
    return services.BuildServiceProvider();
}

var bodies = IngestBenchmarks.GenerateBodies(mb * 1_048_576L);
if (args.Contains("--retained"))
{
    // What a prepared group of ~2 MiB keeps alive until its rows are written (GC.GetTotalMemory around Prepare).
    var group = new List<AcsFunctions.Decoding.EventBody>();
    for (var size = 0L; size < AcsFunctions.Ingestion.StreamingIngest.GroupBytes && group.Count < bodies.Count; size += bodies[group.Count - 1].Data.Length)
    {
        group.Add(bodies[group.Count]);
    }

    var pipeline = NewStore().GetRequiredService<AcsFunctions.Ingestion.IngestPipeline>();
    pipeline.Preparer.Prepare(group); // warm
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var prepared = pipeline.Preparer.Prepare(group);
    var after = GC.GetTotalMemory(forceFullCollection: true);
    var input = group.Sum(b => (long)b.Data.Length);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"a group of {group.Count} bodies, {input / 1_048_576.0:N2} MiB: {prepared.Records:N0} records, {(after - before) / 1_048_576.0:N1} MiB retained ({(after - before) / (double)input:N1} bytes per input byte)"));
    GC.KeepAlive(prepared);
    return;
}

var slice = bodies.Take(Math.Max(1, bodies.Count / 8)).ToList();
var (cold, coldWritten) = await IngestBenchmarks.IngestRoundAsync(NewStore, slice, CancellationToken.None);
Print("warm-up ingest", cold, coldWritten.Count);
Print("warm-up raw", await IngestBenchmarks.RawRoundAsync(NewStore, coldWritten, CancellationToken.None), coldWritten.Count);
var (first, written) = await IngestBenchmarks.IngestRoundAsync(NewStore, bodies, CancellationToken.None);
Print("ingest (untimed by perf)", first, written.Count);
Control("enable");
for (var round = 0; round < rounds; round++)
{
    if (side is "ingest" or "both")
    {
        Print("ingest", (await IngestBenchmarks.IngestRoundAsync(NewStore, bodies, CancellationToken.None)).Run, written.Count);
    }

    if (side is "raw" or "both")
    {
        Print("raw", await IngestBenchmarks.RawRoundAsync(NewStore, written, CancellationToken.None), written.Count);
    }
}

Control("disable");

void Print(string what, IngestBenchmarks.P2Round run, int entities)
{
    var c = run.Cost;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{what}: {entities:N0} entities in {run.Elapsed.TotalSeconds:N2} s ({run.PerSecond(entities):N0}/s), CPU {c.Cpu.TotalSeconds:N2} s, GC pauses {c.GcPause.TotalSeconds:N2} s (gen0/1/2 {c.Gen0}/{c.Gen1}/{c.Gen2}), allocated {c.Allocated / 1_048_576.0:N0} MiB, transactions {run.Transactions:N0} (marks {run.Marks:N0}), Azurite CPU {c.StorageCpu.TotalSeconds:N2} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
}

void Control(string command)
{
    if (control is not null)
    {
        File.WriteAllText(control, command + "\n");
    }
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
