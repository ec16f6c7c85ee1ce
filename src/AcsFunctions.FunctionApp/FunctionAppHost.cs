using AcsFunctions.Hosting;
using AcsFunctions.Privacy;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// The app's host, as <c>Program</c> builds it: the worker's <see cref="FunctionsApplication"/> builder, the same core
/// registration as the CLI, the outage policy of the Event Hubs function and the telemetry exporters. Tests build the
/// host through this class so they exercise the registration that ships.
/// </summary>
public static class FunctionAppHost
{
    /// <summary>Creates the worker's builder with every registration of the app.</summary>
    /// <param name="args">The process arguments.</param>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        IServiceCollection services = builder.Services;
        IConfiguration configuration = builder.Configuration;
        services.AddAcsFunctionsCore(configuration);
        services.AddStorageOutagePolicy(configuration);
        services.AddFunctionAppTelemetry(configuration);
        return builder;
    }

    /// <summary>Builds the host and runs the privacy check (throws, naming the setting, when the key is missing).</summary>
    /// <param name="builder">A builder from <see cref="CreateBuilder"/>, possibly with more configuration added.</param>
    public static IHost Build(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IHost host = builder.Build();
        PrivacyStartupValidator.EnsureValid(host.Services);
        return host;
    }
}
