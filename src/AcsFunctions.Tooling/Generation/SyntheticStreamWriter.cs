using System.Globalization;

namespace AcsFunctions.Generation;

/// <summary>
/// Writes a synthetic stream in one of two layouts: a directory with one body per file
/// (<c>body-0000001.json</c>, …: file order = delivery order), or NDJSON with one body per line
/// (for <c>--out -</c>). Both are what <c>acs-diag ingest</c> reads.
/// </summary>
public static class SyntheticStreamWriter
{
    /// <summary>The file-name pattern of body files.</summary>
    public const string FilePattern = "body-*.json";

    /// <summary>Writes one file per body into <paramref name="directory"/> (earlier body files there are removed first).</summary>
    public static async Task<GenerationSummary> WriteDirectoryAsync(
        SyntheticStream stream,
        string directory,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        foreach (var old in Directory.EnumerateFiles(directory, FilePattern))
        {
            File.Delete(old);
        }

        long bodies = 0, bytes = 0;
        foreach (var body in stream.Bodies())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.Combine(directory, FileName(body.Index));
            await File.WriteAllBytesAsync(name, body.Data, cancellationToken);
            Report(progress, stream, body, ++bodies, bytes += body.Data.Length);
        }

        return stream.Summary;
    }

    /// <summary>Writes every body as one line of <paramref name="output"/>.</summary>
    public static async Task<GenerationSummary> WriteNdjsonAsync(
        SyntheticStream stream,
        Stream output,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        long bodies = 0, bytes = 0;
        foreach (var body in stream.Bodies())
        {
            await output.WriteAsync(body.Data, cancellationToken);
            output.WriteByte((byte)'\n');
            Report(progress, stream, body, ++bodies, bytes += body.Data.Length + 1);
        }

        await output.FlushAsync(cancellationToken);
        return stream.Summary;
    }

    /// <summary>The file name of the body at <paramref name="index"/>.</summary>
    public static string FileName(long index) => "body-" + (index + 1).ToString("D7", CultureInfo.InvariantCulture) + ".json";

    private static void Report(IProgress<GenerationProgress>? progress, SyntheticStream stream, GeneratedBody body, long bodies, long bytes)
    {
        if (progress is not null && (bodies & 63) == 0)
        {
            var minute = (long)Math.Floor((body.EnqueuedTime - stream.Options.EffectiveStart).TotalMinutes);
            progress.Report(new GenerationProgress(bodies, bytes, minute, stream.Options.Minutes));
        }
    }
}
