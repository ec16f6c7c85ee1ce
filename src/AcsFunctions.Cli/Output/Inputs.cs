using System.Runtime.CompilerServices;
using AcsFunctions.Decoding;

namespace AcsFunctions.Cli.Output;

/// <summary>Expands the ingest arguments (files, directories, <c>-</c> for standard input) into bodies.</summary>
internal static class Inputs
{
    private static readonly string[] _patterns = ["*.json", "*.ndjson", "*.jsonl"];

    /// <summary>
    /// The files to ingest, in order. Directories are walked recursively, but a symbolic link (or junction) to a
    /// directory found inside one is <b>not</b> followed, so a link back to a parent or a loop of links cannot repeat
    /// or grow the walk; symlinked files are read. Each real file is ingested once, however many arguments, links
    /// or paths reach it (files are identified by their resolved target).
    /// </summary>
    public static IReadOnlyList<string> ExpandFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (path == "-")
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Walk(path, _patterns).Order(StringComparer.Ordinal).Where(f => seen.Add(RealPath(f))));
            }
            else if (File.Exists(path))
            {
                if (seen.Add(RealPath(path)))
                {
                    files.Add(path);
                }
            }
            else
            {
                throw new FileNotFoundException($"No such file or directory: {path}", path);
            }
        }

        return files;
    }

    /// <summary>
    /// A note for each directory among <paramref name="paths"/> that holds no input file (so ingesting it did nothing),
    /// naming what it skipped — e.g. <c>PT1H.json.gz</c> files, which must be decompressed first.
    /// </summary>
    public static IEnumerable<string> EmptyDirectoryNotes(IEnumerable<string> paths)
    {
        foreach (var directory in paths.Where(p => p != "-" && Directory.Exists(p)))
        {
            if (Walk(directory, _patterns).Any())
            {
                continue;
            }

            var others = Walk(directory, ["*"]).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var skipped = others.Count == 0 ? "it holds no file" : $"{others.Count} other {(others.Count == 1 ? "file" : "files")} skipped, e.g. {others[0]}";
            yield return $"note: no *.json, *.ndjson or *.jsonl file under {directory} ({skipped}); a compressed file must be decompressed first (gunzip -c file.gz | acs-diag ingest -).";
        }
    }

    private static IEnumerable<string> Walk(string root, string[] patterns)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var pattern in patterns)
            {
                foreach (var file in Directory.EnumerateFiles(directory, pattern, SearchOption.TopDirectoryOnly))
                {
                    yield return file;
                }
            }

            foreach (var child in Directory.EnumerateDirectories(directory, "*", SearchOption.TopDirectoryOnly))
            {
                if (new DirectoryInfo(child).LinkTarget is null)
                {
                    pending.Push(child);
                }
            }
        }
    }

    private static string RealPath(string file)
    {
        var info = new FileInfo(file);
        var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        var full = (target ?? info).FullName;

        // A file reached through a linked parent directory given on the command line: resolve the directory too.
        var directory = Path.GetDirectoryName(full);
        var resolvedDirectory = directory is null ? null : new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        return resolvedDirectory is null ? full : Path.Combine(resolvedDirectory, Path.GetFileName(full));
    }

    public static long TotalBytes(IEnumerable<string> files) =>
        files.Where(f => f != "-").Sum(f => new FileInfo(f).Length);

    public static async IAsyncEnumerable<EventBody> ReadAsync(IEnumerable<string> files, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            if (file == "-")
            {
                await using var stdin = Console.OpenStandardInput();
                await foreach (var body in FileBodySource.ReadAsync(stdin, "stdin", cancellationToken))
                {
                    yield return body;
                }
            }
            else
            {
                await foreach (var body in FileBodySource.ReadFileAsync(file, cancellationToken))
                {
                    yield return body;
                }
            }
        }
    }
}
