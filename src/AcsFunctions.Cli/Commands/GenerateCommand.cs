using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using AcsFunctions.Cli.Output;
using AcsFunctions.Generation;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag generate --calls N --api-requests M --minutes T --seed S [--duplicates r] [--late r] [--malformed r]
/// [--poor r] --out &lt;dir|-&gt;</c>: a deterministic synthetic ACS diagnostic stream.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var calls = InRange(new Option<int>("--calls") { Description = "Calls (P2P and group) to log.", DefaultValueFactory = _ => 100 }, nameof(GeneratorOptions.Calls));
        var api = InRange(new Option<int>("--api-requests") { Description = "API-request records across every API category.", DefaultValueFactory = _ => 10_000 }, nameof(GeneratorOptions.ApiRequests));
        var emails = InRange(new Option<int?>("--emails") { Description = "Emails sent (default: api-requests / 20)." }, nameof(GeneratorOptions.Emails));
        var minutes = InRange(new Option<int>("--minutes") { Description = "Minutes the traffic is spread over.", DefaultValueFactory = _ => 60 }, nameof(GeneratorOptions.Minutes));
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed and options give the same bytes.", DefaultValueFactory = _ => 1 };
        var start = new Option<DateTimeOffset?>("--start") { Description = "Start of the first minute, ISO-8601 UTC (default: a day derived from the seed)." };
        var duplicates = Share("--duplicates", "Share of bodies delivered twice (an Event Hubs replay).", 0);
        var late = Share("--late", "Share of records held back and delivered after everything else.", 0);
        var malformed = Share("--malformed", "Share of bodies made malformed (broken bodies or bad records).", 0);
        var poor = Share("--poor", "Share of media streams breaking a quality threshold.", 0.1);
        var updates = Share("--updates", "Share of calls logged through the versioned *Updates categories.", 0.3);
        var output = new Option<string>("--out")
        {
            Description = "A directory (one body per file: body-0000001.json, …) or - for NDJSON on standard output (one body per line).",
            Required = true,
        };
        var json = CommonOptions.Json();
        var command = new Command("generate", "Generate a deterministic, realistic stream of ACS diagnostic-log event bodies.")
        {
            calls, api, emails, minutes, seed, start, duplicates, late, malformed, poor, updates, output, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new GeneratorOptions
            {
                Calls = parse.GetValue(calls),
                ApiRequests = parse.GetValue(api),
                Emails = parse.GetValue(emails),
                Minutes = parse.GetValue(minutes),
                Seed = parse.GetValue(seed),
                Start = parse.GetValue(start),
                Duplicates = parse.GetValue(duplicates),
                Late = parse.GetValue(late),
                Malformed = parse.GetValue(malformed),
                Poor = parse.GetValue(poor),
                Updates = parse.GetValue(updates),
            };
            SyntheticStream stream;
            try
            {
                stream = SyntheticStream.Create(options);
            }
            catch (ValidationException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                await Console.Error.WriteLineAsync("hint: acs-diag generate --help shows the usage.");
                return ExitCodes.InvalidArguments;
            }

            var target = parse.GetValue(output)!;
            var toStdout = target == "-";
            if (!toStdout && Unwritable(target) is { } reason)
            {
                await Console.Error.WriteLineAsync($"error: --out: cannot write to '{target}': {reason}");
                await Console.Error.WriteLineAsync("hint: acs-diag generate --help shows the usage.");
                return ExitCodes.InvalidArguments;
            }

            var summary = await GenerateReport.WithProgressAsync(options, progress => toStdout
                ? WriteStdoutAsync(stream, progress, ct)
                : SyntheticStreamWriter.WriteDirectoryAsync(stream, target, progress, ct));
            GenerateReport.Write(summary, options, toStdout ? null : Path.GetFullPath(target), parse.GetValue(json), toStdout);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<GenerationSummary> WriteStdoutAsync(SyntheticStream stream, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await using var buffered = new BufferedStream(stdout, 1 << 20);
        return await SyntheticStreamWriter.WriteNdjsonAsync(stream, buffered, progress, cancellationToken);
    }

    /// <summary>
    /// Why the directory <paramref name="target"/> cannot hold the bodies (it cannot be created, or a file cannot be
    /// created in it), or null: a bad --out is a bad argument (exit 2), found before anything is generated.
    /// </summary>
    private static string? Unwritable(string target)
    {
        try
        {
            Directory.CreateDirectory(target);
            var probe = Path.Combine(target, $".acs-diag-{Guid.NewGuid():N}.tmp");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ex.Message;
        }
    }

    /// <summary>Checks <paramref name="option"/> against the <see cref="RangeAttribute"/> of <paramref name="property"/>, so an error names the option (and comes with the usage hint).</summary>
    private static Option<T> InRange<T>(Option<T> option, string property)
    {
        var range = typeof(GeneratorOptions).GetProperty(property)!.GetCustomAttribute<RangeAttribute>()!;
        return option.Check(value => value is null || range.IsValid(value)
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be between {range.Minimum:N0} and {range.Maximum:N0}."));
    }

    private static Option<double> Share(string name, string description, double defaultValue)
    {
        var option = new Option<double>(name)
        {
            Description = $"{description} 0–1, default {defaultValue.ToString(CultureInfo.InvariantCulture)}.",
            DefaultValueFactory = _ => defaultValue,
        };
        return option.Check(value => value is < 0 or > 1 ? $"{name} must be between 0 and 1." : null);
    }
}
