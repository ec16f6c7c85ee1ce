// Peak memory of `acs-diag backfill` on one large archive blob.
// Usage: dotnet run -c Release --project bench/BackfillMemory -- [--mb 200]
// Starts its own in-memory Azurite (disk persistence re-serialises the whole table database and crawls at this size;
// give node a big heap: NODE_OPTIONS=--max-old-space-size=12288), writes one append blob of at least --mb MiB of ACS record
// lines (one record per line, as diagnostic settings archive them), then runs the acs-diag CLI as a child process
// and samples its peak resident set (VmHWM) until it exits. Prints a Markdown row for docs/benchmarks.md.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AcsFunctions.Azurite;
using AcsFunctions.Backfill;
using AcsFunctions.Generation;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

var megabytes = args.Length >= 2 && args[0] == "--mb" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var target = megabytes * 1024L * 1024L;
var azurite = await AzuriteHost.StartAsync(new AzuriteOptions());
try
{
    var hour = new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero);
    var resourceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-bench/providers/Microsoft.Communication/CommunicationServices/acs-bench";
    var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(ArchiveContainers.For("ChatOperational"));
    await container.CreateIfNotExistsAsync();
    var blob = container.GetAppendBlobClient(ArchiveBlobPath.Format(resourceId, hour));
    await blob.CreateIfNotExistsAsync();

    var written = 0L;
    var lines = 0L;
    var block = new MemoryStream();
    for (var seed = 1L; written < target; seed++)
    {
        var stream = SyntheticStream.Create(new GeneratorOptions { Calls = 200, ApiRequests = 50_000, Minutes = 60, Seed = seed });
        foreach (var body in stream.Bodies())
        {
            using var doc = JsonDocument.Parse(body.Data);
            foreach (var record in doc.RootElement.GetProperty("records").EnumerateArray())
            {
                var line = Encoding.UTF8.GetBytes(record.GetRawText() + "\n");
                block.Write(line);
                lines++;
                if (block.Length >= 4 * 1024 * 1024)
                {
                    written += await FlushAsync(blob, block);
                }
            }

            if (written >= target)
            {
                break;
            }
        }
    }

    written += await FlushAsync(blob, block);
    Console.Error.WriteLine($"archive blob: {written / 1048576.0:F1} MiB, {lines:N0} lines");

    var cli = LocateCli();
    var start = new ProcessStartInfo("dotnet")
    {
        ArgumentList =
        {
            cli, "backfill", "--source", azurite.ConnectionString, "--storage", azurite.ConnectionString,
            "--from", hour.ToString("O", CultureInfo.InvariantCulture), "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture), "--json",
        },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    var watch = Stopwatch.StartNew();
    using var child = Process.Start(start)!;
    var stdout = child.StandardOutput.ReadToEndAsync();
    var stderr = child.StandardError.ReadToEndAsync();
    long peakKb = 0;
    while (!child.HasExited)
    {
        peakKb = Math.Max(peakKb, ReadHighWaterMarkKb(child.Id));
        await Task.Delay(200);
    }

    await child.WaitForExitAsync();
    watch.Stop();
    var output = await stdout;
    if (child.ExitCode != 0)
    {
        Console.Error.WriteLine(await stderr);
        return child.ExitCode;
    }

    using var result = JsonDocument.Parse(output);
    var records = result.RootElement.GetProperty("ingest").GetProperty("records").GetInt64();
    Console.WriteLine("| blob | lines | records ingested | elapsed | records/s | peak RSS of acs-diag |");
    Console.WriteLine("|---|---|---|---|---|---|");
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {written / 1048576.0:F0} MiB | {lines:N0} | {records:N0} | {watch.Elapsed.TotalSeconds:F0} s | {records / watch.Elapsed.TotalSeconds:F0} | {peakKb / 1024.0:F0} MiB |"));
    return 0;
}
finally
{
    await azurite.DisposeAsync();
}

static async Task<long> FlushAsync(AppendBlobClient blob, MemoryStream block)
{
    if (block.Length == 0)
    {
        return 0;
    }

    var length = block.Length;
    block.Position = 0;
    await blob.AppendBlockAsync(block);
    block.SetLength(0);
    return length;
}

// The acs-diag.dll built next to this project (same configuration).
static string LocateCli()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AcsFunctions.sln")))
    {
        dir = dir.Parent;
    }

    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    var path = Path.Combine(dir?.FullName ?? ".", "src", "AcsFunctions.Cli", "bin", configuration, "net10.0", "acs-diag.dll");
    return File.Exists(path) ? path : throw new FileNotFoundException("Build the CLI first (dotnet build -c " + configuration + " src/AcsFunctions.Cli).", path);
}

// VmHWM: the peak resident set size of a (still running) process, in KiB.
static long ReadHighWaterMarkKb(int pid)
{
    try
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
    }
    catch (IOException)
    {
    }

    return 0;
}
