using System.CommandLine;
using AcsFunctions.Cli.Output;
using AcsFunctions.Migrations;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag migrate record-ids [--dry-run] [--storage] [--json]</c>: re-key rows stored before record ids were
/// canonical, so a record stored twice in two serializations is kept once (see docs/reliability.md).
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var storage = CommonOptions.Storage();
        var json = CommonOptions.Json();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count the rows that would be re-keyed; write nothing." };
        var recordIds = new Command("record-ids", "Recompute every stored record's id from its canonical form; re-key the rows whose id changed (duplicates merge) and mark their partitions for the next roll-up. Idempotent; re-run after an interruption.")
        {
            storage, dryRun, json,
        };
        recordIds.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            try
            {
                var result = await services.GetRequiredService<RecordIdMigration>().RunAsync(parse.GetValue(dryRun), ct);
                if (parse.GetValue(json))
                {
                    Json.Write(result);
                }
                else
                {
                    var verb = result.DryRun ? "would re-key" : "re-keyed";
                    Console.WriteLine($"scanned {result.Scanned} row(s); {verb} {result.Rekeyed} ({result.Merged} duplicate(s) merged); {result.Unreadable} without a readable payload left as they are");
                    if (!result.DryRun && result.Rekeyed > 0)
                    {
                        Console.WriteLine("next: run 'acs-diag rollup' to recompute the aggregates of the re-keyed partitions");
                    }
                }

                return ExitCodes.Success;
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "the migration is idempotent — re-run it.");
            }
        });
        return new Command("migrate", "Upgrade data stored by an earlier version.") { recordIds };
    }
}
