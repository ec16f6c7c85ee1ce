using AcsFunctions.Hosting;
using AcsFunctions.Storage;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Cli;

/// <summary>Builds the core services for one CLI command (the same registration the Functions app uses).</summary>
internal static class CliHost
{
    /// <exception cref="CliUsageException">The connection string is malformed (exit code 2).</exception>
    public static ServiceProvider Build(string storageConnectionString, IDictionary<string, string?>? settings = null, LogLevel logLevel = LogLevel.Warning)
    {
        ValidateConnectionString(storageConnectionString);
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
        }).SetMinimumLevel(logLevel).AddFilter("Azure", LogLevel.Warning).AddConfiguration(configuration.GetSection("Logging")));
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (!CliRunner.ShowStackTraces)
        {
            services.Remove(services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)));
            services.AddSingleton<ILoggerProvider>(provider => new OneLineExceptionLogs(
                new ConsoleLoggerProvider(provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), provider.GetServices<ConsoleFormatter>())));
        }

        // A command is one run an operator waits for: storage that never answered (Azurite not running, a wrong
        // endpoint) is one clear error at once, not the SDK's retries times the writer's. Outages after the first
        // answer are retried as in the Functions app, which does not register this.
        services.AddSingleton<StorageReachability>();
        services.AddAcsFunctionsCore(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        PrivacyNotice.WriteOnce(provider);
        return provider;
    }

    /// <summary>Parses the connection string as the table and blob clients will, so a malformed one is one line, not a stack trace.</summary>
    private static void ValidateConnectionString(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            _ = new BlobServiceClient(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new CliUsageException(
                $"the storage connection string (--storage or AcsFunctions__Storage__ConnectionString) is malformed: {ex.Message.Split('\n')[0].Trim()} " +
                "Expected e.g. UseDevelopmentStorage=true or DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net.",
                ex);
        }
    }
}
