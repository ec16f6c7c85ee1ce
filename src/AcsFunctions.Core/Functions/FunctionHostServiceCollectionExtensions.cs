using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Functions;

/// <summary>Registers what the Functions app and <c>acs-diag serve</c> call into.</summary>
public static class FunctionHostServiceCollectionExtensions
{
    /// <summary>Registers <see cref="EventHubBatchIngestor"/>, <see cref="ScheduledRollup"/> and <see cref="QueryEndpoint"/>.</summary>
    public static IServiceCollection AddFunctionHosts(this IServiceCollection services)
    {
        services.TryAddSingleton<EventHubBatchIngestor>();
        services.TryAddSingleton<ScheduledRollup>();
        services.TryAddSingleton<QueryEndpoint>();
        return services;
    }
}
