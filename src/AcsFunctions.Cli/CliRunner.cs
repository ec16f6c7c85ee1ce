using System.CommandLine;
using AcsFunctions.Cli.Commands;
using AcsFunctions.Cli.Output;
using AcsFunctions.Storage;
using Azure;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Cli;

/// <summary>
/// The <c>acs-diag</c> entry point: parses, runs the command and turns what escapes it into the documented exit codes
/// with a one-line error (the stack trace only with <c>--verbose</c>): 2 for bad arguments and settings (parse errors,
/// <see cref="CliUsageException"/>, invalid options), 3 for unreachable or unresponsive storage, 1 for anything else.
/// </summary>
internal static class CliRunner
{
    /// <summary>On every command: print the full exception of an error.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "On an error, print the full exception (stack trace) besides the one-line message.",
        Recursive = true,
    };

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("acs-diag — ingest, roll up and query Azure Communication Services diagnostic logs locally (Azurite) or against Azure Storage.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        root.Options.Add(Verbose);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {TerminalText.Plain(OneLine(error.Message))}");
            }

            var name = parse.CommandResult.Command is RootCommand ? string.Empty : " " + parse.CommandResult.Command.Name;
            await Console.Error.WriteLineAsync($"hint: acs-diag{name} --help shows the usage.");
            return ExitCodes.InvalidArguments;
        }

        ShowStackTraces = parse.GetValue(Verbose);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            var (code, message, hint) = Classify(ex);
            await Console.Error.WriteLineAsync($"error: {TerminalText.Plain(message)}");
            if (parse.GetValue(Verbose))
            {
                await Console.Error.WriteLineAsync(ex.ToString());
            }
            else if (hint is not null)
            {
                await Console.Error.WriteLineAsync($"hint: {hint}");
            }

            return code;
        }
    }

    /// <summary>The exit code, the one-line message and a hint for an exception no command handled.</summary>
    internal static (int Code, string Message, string? Hint) Classify(Exception exception) => exception switch
    {
        CliUsageException usage => (ExitCodes.InvalidArguments, usage.Message, null),
        OptionsValidationException options => (ExitCodes.InvalidArguments, "invalid setting: " + string.Join("; ", options.Failures), null),
        StorageUnavailableException storage => (ExitCodes.StorageUnavailable, FirstLine(storage.Message), UnavailableHint(storage)),
        StorageRefusedException named => (ExitCodes.StorageUnavailable, named.Message, RefusedHint),
        RequestFailedException refused when StorageRefusal.Is(refused)
            => (ExitCodes.StorageUnavailable, new StorageRefusedException(refused, "storage").Message, RefusedHint),
        RequestFailedException or AggregateException or OperationCanceledException when TransientErrors.IsTransient(exception)
            => (ExitCodes.StorageUnavailable, "storage is unavailable: " + TransientErrors.Describe(exception), StorageHint),
        OperationCanceledException => (ExitCodes.Failure, "interrupted.", "re-run the same command: writes are idempotent and finished work is kept."),
        _ => (ExitCodes.Failure, $"{exception.GetType().Name}: {FirstLine(exception.Message)}", "re-run with --verbose for the details."),
    };

    /// <summary>The hint printed when storage refused the credentials (exit code 3).</summary>
    public const string RefusedHint = "fix the credentials (--storage or AcsFunctions__Storage__*) and re-run the same command: writes are idempotent and finished work is kept.";

    /// <summary>The hint printed with exit code 3.</summary>
    public const string StorageHint = StartStorage + "; " + RerunAfterOutage;

    /// <summary>Where to look when our storage does not answer.</summary>
    private const string StartStorage = "start Azurite (npx azurite) or pass --storage with a connection string";

    /// <summary>What a re-run after an outage does, unless a command says it better.</summary>
    private const string RerunAfterOutage = "nothing was lost — re-run the same command.";

    /// <summary>
    /// The hint for storage that was not reached or stayed unavailable: where to look, then <paramref name="rerun"/> (what a
    /// re-run does). The fail-fast's error (<see cref="StorageUnavailableException.Service"/> set: "cannot reach table
    /// storage at …: connection refused — is Azurite running, and is the connection string right?") already ends with
    /// where to look, so its hint is <paramref name="rerun"/> alone, not the same advice twice.
    /// </summary>
    internal static string UnavailableHint(StorageUnavailableException exception, string rerun = RerunAfterOutage)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Service is null ? $"{StartStorage}; {rerun}" : rerun;
    }

    /// <summary>Reports <paramref name="exception"/> (the error and <see cref="UnavailableHint"/>) and returns exit code 3.</summary>
    internal static async Task<int> UnavailableAsync(StorageUnavailableException exception, string rerun = RerunAfterOutage)
    {
        await Console.Error.WriteLineAsync($"error: {TerminalText.Plain(FirstLine(exception.Message))}");
        await Console.Error.WriteLineAsync($"hint: {UnavailableHint(exception, rerun)}");
        return ExitCodes.StorageUnavailable;
    }

    /// <summary>The first line of <paramref name="text"/>, trimmed.</summary>
    internal static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>Whether this run was given <c>--verbose</c>: logged exceptions then keep their stack traces (<see cref="OneLineExceptionLogs"/>).</summary>
    internal static bool ShowStackTraces { get; private set; }

    /// <summary>A parse error's message on one line (the parser lists allowed values one per line).</summary>
    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
