using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Retention;

/// <summary>Registers retention.</summary>
public static class RetentionServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RetentionService"/> and <see cref="RetentionOptions"/> (validated at start-up).</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<MarkStore>();
        services.TryAddSingleton(sp => new RetentionService(
            sp.GetRequiredService<AcsStorage>(),
            sp.GetRequiredService<TableWriter>(),
            sp.GetRequiredService<MarkStore>(),
            sp.GetRequiredService<IOptions<RetentionOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RetentionService>>()));
        return services;
    }
}
