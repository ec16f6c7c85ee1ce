using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.ApiRequests;
using AcsFunctions.Schemas.CallClient;
using AcsFunctions.Schemas.Calls;
using AcsFunctions.Schemas.Email;
using AcsFunctions.Schemas.JobRouter;
using AcsFunctions.Schemas.PlatformMetrics;
using AcsFunctions.Schemas.Sms;
using AcsFunctions.Schemas.Unclassified;
using AcsFunctions.Schemas.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Schemas;

/// <summary>Registers every category module (one line per schema folder's module) and the registry built from their handlers.</summary>
public static class SchemaHandlerRegistration
{
    /// <summary>The built-in category modules, in registration order (the demo summary shows their columns in this order).</summary>
    public static IReadOnlyList<CategoryModule> BuiltIn { get; } =
    [
        new ApiRequestsModule(),
        new SmsModule(),
        new CallSummaryModule(),
        new CallDiagnosticsModule(),
        new EmailModule(),
        new UsageModule(),
        new PlatformMetricModule(),
        new CallClientOperationsModule(),
        new CallClientMediaStatsModule(),
        new JobRouterModule(),
    ];

    /// <summary>Adds the built-in modules (<see cref="CategoryModuleRegistration.AddCategory"/>), the fallback handler and the <see cref="HandlerRegistry"/>.</summary>
    public static IServiceCollection AddSchemaHandlers(this IServiceCollection services)
    {
        foreach (var module in BuiltIn)
        {
            services.AddCategory(module);
        }

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
