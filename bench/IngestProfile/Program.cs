// P2a's two sides alone (the same rounds as `acs-diag bench --only P2`: IngestBenchmarks.IngestRoundAsync and
// RawRoundAsync), one line per round with this process's CPU, GC pauses and collections, bytes allocated and
// transactions. Starts its own in-memory Azurite (8 GiB node heap), generates --mb MiB of bodies, warms both sides up on
// an eighth of them, then runs --rounds rounds of --side (ingest, raw or both, alternated).
// For a CPU trace of the timed rounds only: start perf with a control FIFO and recording disabled, and pass the FIFO:
//   mkfifo /tmp/ctl && DOTNET_PerfMapEnabled=1 perf record -F 499 -g --control fifo:/tmp/ctl -D -1 -o perf.data -- \
//     dotnet bench/IngestProfile/bin/Release/net10.0/IngestProfile.dll --side ingest --perf-control /tmp/ctl
// --set Key=Value (repeatable) overrides a setting of every store, e.g. --set AcsFunctions:Drift:Enabled=false.
// --count: counts the requests each round sends to storage while its clock runs (by method and logical table,
// transactions by the table of their entities and their size) with their request and response bytes, printed above the
// round (counting costs this process CPU and allocations: read those from a run without it). --alloc: what each round
// allocates while its clock runs, by type (the runtime's allocation ticks, a sample).
using System.Globalization;
using AcsFunctions.Azurite;
using AcsFunctions.Bench.IngestProfile;
using AcsFunctions.Benchmarks;
using AcsFunctions.Hosting;
using AcsFunctions.Storage;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

var mb = int.Parse(Arg("--mb") ?? "20", CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
var side = Arg("--side") ?? "both";
var control = Arg("--perf-control");
// --plan: what planning one round's entities into transactions costs (CPU, best of 10).
var counter = args.Contains("--count") ? new RequestCounter() : null;
var alloc = args.Contains("--alloc");
AcsFunctions.Bench.PrepareProfile.Allocations? allocations = null; // a new listener per round (PrepareProfile's, linked)
Action<bool>? timed = counter is null && !alloc ? null : on =>
{
    counter?.Timed(on);
    if (alloc && on)
    {
        allocations?.Dispose();
        allocations = new AcsFunctions.Bench.PrepareProfile.Allocations();
        allocations.Start();
    }
    else
    {
        allocations?.Stop();
    }
};
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
    if (counter is not null)
    {
        // Registered before the core services (which add theirs only when none is): the same client, counted.
        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var clientOptions = StorageClientOptions.Bound(new TableClientOptions(), options, NullLogger.Instance);
        clientOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var client = new TableServiceClient(azurite.ConnectionString, clientOptions);
        services.AddSingleton(client);
        if (options.DirectTransactions)
        {
            // The ingest's transactions, counted as well (the app writes them itself).
            var senderOptions = StorageClientOptions.Bound(new TableClientOptions(), options, NullLogger.Instance);
            senderOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            services.AddSingleton(TransactionSender.ForConnectionString(azurite.ConnectionString, client.Uri, senderOptions)!);
        }
    }

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

var bgcSeen = new Dictionary<string, long>(StringComparer.Ordinal);
BackgroundGcCpu();
var slice = bodies.Take(Math.Max(1, bodies.Count / 8)).ToList();
var (cold, coldWritten) = await IngestBenchmarks.IngestRoundAsync(NewStore, slice, CancellationToken.None, timed);
Print("warm-up ingest", cold, coldWritten.Count);
Print("warm-up raw", await IngestBenchmarks.RawRoundAsync(NewStore, coldWritten, CancellationToken.None, timed), coldWritten.Count);
var (first, written) = await IngestBenchmarks.IngestRoundAsync(NewStore, bodies, CancellationToken.None, timed);
Print("ingest (untimed by perf)", first, written.Count);
var entityCount = written.Count;
if (args.Contains("--plan"))
{
    // What planning one round's entities into transactions costs this process (the ingest plans while its clock runs).
    var planCpu = TimeSpan.MaxValue;
    for (var pass = 0; pass < 10; pass++)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var planned = written.GroupBy(w => w.Table, StringComparer.Ordinal).SelectMany(g => TableBatch.Plan(g.Key, g.Select(w => w.Entity))).Count();
        planCpu = Math.Min(planCpu.Ticks, (Environment.CpuUsage.TotalTime - cpu).Ticks) is var t ? TimeSpan.FromTicks(t) : planCpu;
        GC.KeepAlive(planned);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planning {entityCount:N0} entities into transactions: {planCpu.TotalMilliseconds:N0} ms CPU (best of 10)"));
}

if (args.Contains("--drop-written"))
{
    // Experiment: the ingest rounds without the raw side's entities in the heap (then no raw round can run).
    written = [];
}

Control("enable");
for (var round = 0; round < rounds; round++)
{
    if (side is "ingest" or "both")
    {
        Print("ingest", (await IngestBenchmarks.IngestRoundAsync(NewStore, bodies, CancellationToken.None, timed)).Run, entityCount);
    }

    if (side is "raw" or "both")
    {
        Print("raw", await IngestBenchmarks.RawRoundAsync(NewStore, written, CancellationToken.None, timed), written.Count);
    }
}

Control("disable");

void Print(string what, IngestBenchmarks.P2Round run, int entities)
{
    if (counter is not null)
    {
        Console.WriteLine(counter.Report());
    }

    allocations?.Print(entities); // "per record" there: per entity written here
    var bgc = BackgroundGcCpu();
    var c = run.Cost;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{what}: {entities:N0} entities in {run.Elapsed.TotalSeconds:N2} s ({run.PerSecond(entities):N0}/s), CPU {c.Cpu.TotalSeconds:N2} s, GC pauses {c.GcPause.TotalSeconds:N2} s (gen0/1/2 {c.Gen0}/{c.Gen1}/{c.Gen2}), allocated {c.Allocated / 1_048_576.0:N0} MiB, transactions {run.Transactions:N0} (marks {run.Marks:N0}), Azurite CPU {c.StorageCpu.TotalSeconds:N2} s; background GC thread {bgc.TotalSeconds:N2} s since the last line; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
}

// CPU of the background GC thread since the last call (Linux /proc; its concurrent marking is in no GC pause). The
// runtime ends an idle BGC thread and starts another, so each thread is counted from its own last reading.
TimeSpan BackgroundGcCpu()
{
    var ticks = 0L;
    foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (stat[(open + 1)..close] == ".NET BGC")
            {
                var fields = stat[(close + 2)..].Split(' ');
                var own = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                ticks += own - bgcSeen.GetValueOrDefault(task);
                bgcSeen[task] = own;
            }
        }
        catch (IOException)
        {
        }
    }

    return TimeSpan.FromSeconds(ticks / 100.0);
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
