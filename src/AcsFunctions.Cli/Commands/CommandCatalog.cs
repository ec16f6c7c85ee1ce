using System.CommandLine;

namespace AcsFunctions.Cli.Commands;

/// <summary>Every acs-diag subcommand, one line each.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return IngestCommand.Create();
        yield return DemoCommand.Create();
        yield return GenerateCommand.Create();
        yield return BackfillCommand.Create();
        yield return ReconcileCommand.Create();
        yield return RollupCommand.Create();
        yield return RetentionCommand.Create();
        yield return QueryCommand.Create();
        yield return ServeCommand.Create();
        yield return BenchCommand.Create();
        yield return SendCommand.Create();
        yield return VerifyCommand.Create();
        yield return MigrateCommand.Create();
    }
}
