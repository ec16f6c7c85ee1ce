using AcsFunctions.Cli;
using AcsFunctions.Cli.Output;
using Spectre.Console;

ConsoleWidth.Configure(AnsiConsole.Console);
return await CliRunner.RunAsync(args);
