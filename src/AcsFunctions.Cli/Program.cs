using System.CommandLine;
using AcsFunctions.Cli.Commands;
using AcsFunctions.Cli.Output;
using Spectre.Console;

ConsoleWidth.Configure(AnsiConsole.Console);

var root = new RootCommand("acs-diag — ingest, roll up and query Azure Communication Services diagnostic logs locally (Azurite) or against Azure Storage.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
