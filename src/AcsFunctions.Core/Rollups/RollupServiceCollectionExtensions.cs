using AcsFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Rollups;

/// <summary>Registers the roll-up (the query side registers itself: <c>AddQueries</c>, which depends on this, not the reverse).</summary>
public static class RollupServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RollupService"/> and its options (the window aggregators are registered by the schema folders' category modules).</summary>
    public static IServiceCollection AddRollups(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(RollupService)))
        {
            return services;
        }

        services.AddOptions<RollupOptions>()
            .Bind(configuration.GetSection(RollupOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<MarkStore>();
        services.TryAddSingleton<AggregateWriter>();
        services.TryAddSingleton<WindowRollup>();
        services.TryAddSingleton<CallRollup>();
        services.TryAddSingleton<CallWindowRollup>();
        services.TryAddSingleton<TierRollup>();
        services.TryAddSingleton(sp => new RollupService(
            sp.GetRequiredService<AcsStorage>(),
            sp.GetRequiredService<MarkStore>(),
            sp.GetRequiredService<WindowRollup>(),
            sp.GetRequiredService<CallRollup>(),
            sp.GetRequiredService<CallWindowRollup>(),
            sp.GetRequiredService<TierRollup>(),
            sp.GetRequiredService<IOptions<RollupOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RollupService>>()));
        Retention.RetentionServiceCollectionExtensions.AddRetention(services, configuration);
        return services;
    }
}
