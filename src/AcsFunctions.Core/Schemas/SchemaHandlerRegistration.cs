using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.ApiRequests;
using AcsFunctions.Schemas.CallClient;
using AcsFunctions.Schemas.Calls;
using AcsFunctions.Schemas.Email;
using AcsFunctions.Schemas.PlatformMetrics;
using AcsFunctions.Schemas.Unclassified;
using AcsFunctions.Schemas.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Schemas;

/// <summary>Registers every schema handler (one line per handler) and the registry built from them.</summary>
public static class SchemaHandlerRegistration
{
    /// <summary>Adds the handlers and the <see cref="HandlerRegistry"/>.</summary>
    public static IServiceCollection AddSchemaHandlers(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, CallSummaryHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, CallDiagnosticsHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, ApiRequestHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, CallClientOperationsHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, CallClientMediaStatsHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, UsageHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, EmailHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecordHandler, PlatformMetricHandler>());
        services.TryAddSingleton<IFallbackRecordHandler, UnclassifiedHandler>();
        services.TryAddSingleton<HandlerRegistry>();
        return services;
    }

    /// <summary>A registry with every handler, for tools and tests that do not use DI.</summary>
    public static HandlerRegistry CreateDefaultRegistry()
    {
        using var provider = new ServiceCollection().AddSchemaHandlers().BuildServiceProvider();
        return provider.GetRequiredService<HandlerRegistry>();
    }
}
