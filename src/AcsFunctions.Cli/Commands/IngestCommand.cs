using System.CommandLine;
using AcsFunctions.Cli.Output;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary><c>acs-diag ingest &lt;file|directory|-&gt;... [--storage] [--json]</c>.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("inputs")
        {
            Description = "Files (any accepted format: {\"records\":[...]}, array, single record, NDJSON/PT1H.json), directories (searched for *.json, *.ndjson, *.jsonl), or - for standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var storage = CommonOptions.Storage();
        var json = CommonOptions.Json();
        var command = new Command("ingest", "Ingest diagnostic-settings records from files or standard input into Table Storage.") { paths, storage, json };
        command.SetAction(async (parse, ct) =>
        {
            IReadOnlyList<string> files;
            try
            {
                files = Inputs.ExpandFiles(parse.GetValue(paths)!);
            }
            catch (FileNotFoundException ex)
            {
                throw new CliUsageException(ex.Message, ex);
            }

            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            var pipeline = services.GetRequiredService<IngestPipeline>();
            try
            {
                var result = await IngestReport.WithProgressAsync(
                    Inputs.TotalBytes(files),
                    progress => pipeline.IngestAsync(Inputs.ReadAsync(files, ct), progress, ct));
                IngestReport.Write(result, parse.GetValue(json));
                foreach (var note in Inputs.EmptyDirectoryNotes(parse.GetValue(paths)!))
                {
                    await Console.Error.WriteLineAsync(TerminalText.Plain(note));
                }

                return result.Reconciles ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "nothing was lost — re-run the same command, writes are idempotent.");
            }
        });
        return command;
    }
}
