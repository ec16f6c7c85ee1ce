using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Backfill;

/// <summary>Registers the archive backfill.</summary>
public static class BackfillServiceCollectionExtensions
{
    /// <summary>Adds <see cref="BackfillService"/> and its checkpoint store.</summary>
    public static IServiceCollection AddBackfill(this IServiceCollection services)
    {
        services.TryAddSingleton<BackfillCheckpointStore>();
        services.TryAddSingleton<BackfillService>();
        return services;
    }
}
