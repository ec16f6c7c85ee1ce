// Peak memory of `acs-diag backfill` on one large archive blob, or (--file) of `acs-diag ingest` on one large archive file.
// Usage: dotnet run -c Release --project bench/BackfillMemory -- [--mb 200] [--file [path]]
// Starts its own in-memory Azurite (disk persistence re-serialises the whole table database and crawls at this size;
// give node a big heap: NODE_OPTIONS=--max-old-space-size=12288), writes at least --mb MiB of ACS record lines (one
// record per line, as diagnostic settings archive them) — to one append blob, or with --file streamed to a file on disk
// (default bench-ingest.json in the temporary folder, deleted afterwards) — then runs the acs-diag CLI as a child
// process (`backfill`, or `ingest <file>`) and samples its peak resident set (VmHWM) until it exits, reporting it every
// 30 s on standard error. Prints a Markdown row for docs/benchmarks.md.
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
var fileAt = Array.IndexOf(args, "--file");
var fileMode = fileAt >= 0;
var keepFile = fileMode && fileAt + 1 < args.Length && !args[fileAt + 1].StartsWith("--", StringComparison.Ordinal);
var filePath = keepFile ? Path.GetFullPath(args[fileAt + 1]) : Path.Combine(Path.GetTempPath(), $"bench-ingest-{Environment.ProcessId}.json");
var target = megabytes * 1024L * 1024L;
var azurite = await AzuriteHost.StartAsync(new AzuriteOptions { NodeHeapMegabytes = 12288 });
try
{
    var hour = new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero);
    long written, lines;
    string[] cliArgs;
    if (fileMode)
    {
        await using (var file = new FileStream(filePath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            (written, lines) = await WriteLinesAsync(target, async block => await block.CopyToAsync(file));
        }

        cliArgs = ["ingest", filePath, "--storage", azurite.ConnectionString, "--json"];
    }
    else
    {
        var resourceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-bench/providers/Microsoft.Communication/CommunicationServices/acs-bench";
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(ArchiveContainers.For("ChatOperational"));
        await container.CreateIfNotExistsAsync();
        var blob = container.GetAppendBlobClient(ArchiveBlobPath.Format(resourceId, hour));
        await blob.CreateIfNotExistsAsync();
        (written, lines) = await WriteLinesAsync(target, async block => await blob.AppendBlockAsync(block));
        cliArgs =
        [
            "backfill", "--source", azurite.ConnectionString, "--storage", azurite.ConnectionString,
            "--from", hour.ToString("O", CultureInfo.InvariantCulture), "--to", hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture), "--json",
        ];
    }

    Console.Error.WriteLine($"archive {(fileMode ? "file " + filePath : "blob")}: {written / 1048576.0:F1} MiB, {lines:N0} lines; running acs-diag {cliArgs[0]}");

    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(LocateCli());
    foreach (var arg in cliArgs)
    {
        start.ArgumentList.Add(arg);
    }

    var watch = Stopwatch.StartNew();
    using var child = Process.Start(start)!;
    var stdout = child.StandardOutput.ReadToEndAsync();
    var stderr = child.StandardError.ReadToEndAsync();
    long peakKb = 0;
    var reported = TimeSpan.Zero;
    while (!child.HasExited)
    {
        peakKb = Math.Max(peakKb, ReadHighWaterMarkKb(child.Id));
        if (watch.Elapsed - reported >= TimeSpan.FromSeconds(30))
        {
            reported = watch.Elapsed;
            var position = fileMode ? ReadPosition(child.Id, filePath) : -1;
            var read = position < 0 ? string.Empty : $", read {position / 1048576.0:F0} of {written / 1048576.0:F0} MiB";
            Console.Error.WriteLine($"{watch.Elapsed:hh\\:mm\\:ss} peak RSS so far {peakKb / 1024.0:F0} MiB, now {ReadStatusKb(child.Id, "VmRSS:") / 1024.0:F0} MiB{read}");
        }

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
    var ingest = result.RootElement.TryGetProperty("ingest", out var nested) ? nested : result.RootElement;
    var records = ingest.GetProperty("records").GetInt64();
    Console.WriteLine($"| {(fileMode ? "archive file (acs-diag ingest)" : "archive blob (acs-diag backfill)")} | lines | records ingested | elapsed | records/s | peak RSS of acs-diag |");
    Console.WriteLine("|---|---|---|---|---|---|");
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {written / 1048576.0:F0} MiB | {lines:N0} | {records:N0} | {watch.Elapsed.TotalSeconds:F0} s | {records / watch.Elapsed.TotalSeconds:F0} | {peakKb / 1024.0:F0} MiB |"));
    if (fileMode)
    {
        // The same row in the form of `acs-diag bench --markdown` (docs/benchmarks.md): the baseline is the goal,
        // 300 MB = 286.1 MiB, so the ratio must stay under 1.
        var peakMiB = peakKb / 1024.0;
        var limitMiB = 300_000_000 / 1048576.0;
        Console.WriteLine();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| P4 | peak RSS of `acs-diag ingest` on one archive file vs the 300 MB limit | {peakMiB:N0} MiB | {limitMiB:N0} MiB | {peakMiB / limitMiB:N2} | < 1 (300 MB) | {(peakMiB < limitMiB ? "met" : "missed")} | {written / 1048576.0:N0} MiB, {lines:N0} lines, {records:N0} ingested in {watch.Elapsed.TotalSeconds:N0} s |"));
    }
    return 0;
}
finally
{
    await azurite.DisposeAsync();
    if (fileMode && !keepFile)
    {
        File.Delete(filePath);
    }
}

// Generated ACS record lines (seeds 1, 2, …, every category) until at least `target` bytes, handed to `flush` in blocks
// of ~4 MiB: nothing is built in memory beyond one block.
static async Task<(long Written, long Lines)> WriteLinesAsync(long target, Func<MemoryStream, Task> flush)
{
    long written = 0, lines = 0, reported = 0;
    var block = new MemoryStream();
    for (var seed = 1L; written < target; seed++)
    {
        var stream = SyntheticStream.Create(new GeneratorOptions { Calls = 200, ApiRequests = 50_000, Minutes = 60, Seed = seed });
        foreach (var body in stream.Bodies())
        {
            using var doc = JsonDocument.Parse(body.Data);
            foreach (var record in doc.RootElement.GetProperty("records").EnumerateArray())
            {
                block.Write(Encoding.UTF8.GetBytes(record.GetRawText() + "\n"));
                lines++;
                if (block.Length >= 4 * 1024 * 1024)
                {
                    written += await FlushAsync(block, flush);
                }
            }

            if (written - reported >= 100L * 1024 * 1024)
            {
                reported = written;
                Console.Error.WriteLine($"generated {written / 1048576.0:F0} MiB, {lines:N0} lines");
            }

            if (written >= target)
            {
                break;
            }
        }
    }

    written += await FlushAsync(block, flush);
    return (written, lines);
}

static async Task<long> FlushAsync(MemoryStream block, Func<MemoryStream, Task> flush)
{
    if (block.Length == 0)
    {
        return 0;
    }

    var length = block.Length;
    block.Position = 0;
    await flush(block);
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
static long ReadHighWaterMarkKb(int pid) => ReadStatusKb(pid, "VmHWM:");

// How far the process has read the file (the offset of its descriptor for it), or -1.
static long ReadPosition(int pid, string path)
{
    try
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            var info = new FileInfo(fd);
            if (info.LinkTarget == path)
            {
                var pos = File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}").First(l => l.StartsWith("pos:", StringComparison.Ordinal));
                var offset = long.Parse(pos.AsSpan(4).Trim(), CultureInfo.InvariantCulture);

                // .NET's FileStream reads with pread and leaves the descriptor's offset at 0: fall back to the
                // bytes the process has read in all (rchar; the file is nearly all of it).
                return offset > 0 ? offset : ReadIoCounter(pid, "rchar:");
            }
        }
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
    {
    }

    return -1;
}

// A counter of /proc/<pid>/io in bytes, or -1.
static long ReadIoCounter(int pid, string field)
{
    var line = File.ReadLines($"/proc/{pid}/io").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
    return line is null ? -1 : long.Parse(line.AsSpan(field.Length).Trim(), CultureInfo.InvariantCulture);
}

// A "Vm…:" line of /proc/<pid>/status, in KiB (0 once the process is gone).
static long ReadStatusKb(int pid, string field)
{
    try
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
    }
    catch (IOException)
    {
    }

    return 0;
}
