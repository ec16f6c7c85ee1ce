using AcsFunctions.Cli;

return await CliRunner.RunAsync(args);
