using AcsFunctions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AcsFunctions.Cli;

/// <summary>Builds the core services for one CLI command (the same registration the Functions app uses).</summary>
internal static class CliHost
{
    public static ServiceProvider Build(string storageConnectionString, IDictionary<string, string?>? settings = null, LogLevel logLevel = LogLevel.Warning)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AcsFunctions:Storage:ConnectionString"] = storageConnectionString,
            [PrivacyNotice.AllowDevelopmentKeySetting] = "true",
        };
        if (settings is not null)
        {
            foreach (var (key, value) in settings)
            {
                values[key] = value;
            }
        }

        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(values)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        }).SetMinimumLevel(logLevel).AddFilter("Azure", LogLevel.Warning));
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddAcsFunctionsCore(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        PrivacyNotice.WriteOnce(provider);
        return provider;
    }
}
