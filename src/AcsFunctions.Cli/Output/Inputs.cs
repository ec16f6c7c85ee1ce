using System.Runtime.CompilerServices;
using AcsFunctions.Decoding;

namespace AcsFunctions.Cli.Output;

/// <summary>Expands the ingest arguments (files, directories, <c>-</c> for standard input) into bodies.</summary>
internal static class Inputs
{
    private static readonly string[] _patterns = ["*.json", "*.ndjson", "*.jsonl"];

    public static IReadOnlyList<string> ExpandFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(_patterns
                    .SelectMany(p => Directory.EnumerateFiles(path, p, SearchOption.AllDirectories))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new FileNotFoundException($"No such file or directory: {path}", path);
            }
        }

        return files;
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
