using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// The worker's telemetry through OpenTelemetry (<c>Microsoft.Azure.Functions.Worker.OpenTelemetry</c>): the worker's
/// logs, its invocation traces and the <see cref="FunctionAppTelemetry"/> meter, exported to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (the template sets it). With
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> = <c>ClientId=…;Authorization=AAD</c> (the template's identity-based
/// ingestion) the exporter authenticates with that user-assigned managed identity.
/// </summary>
public static class FunctionAppTelemetryServiceCollectionExtensions
{
    /// <summary>The Application Insights connection string setting.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The Application Insights authentication setting (<c>ClientId=…;Authorization=AAD</c>).</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Registers <see cref="FunctionAppTelemetry"/> and OpenTelemetry with the Azure Monitor exporter when configured.</summary>
    public static IServiceCollection AddFunctionAppTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<FunctionAppTelemetry>();
        IOpenTelemetryBuilder telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(FunctionAppTelemetry.MeterName));
        string? connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            TokenCredential? credential = Credential(configuration[AuthenticationSetting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            });
        }

        return services;
    }

    /// <summary>The managed identity named by an authentication string <c>ClientId=…;Authorization=AAD</c>, or null (key-based ingestion).</summary>
    public static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
