using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Privacy;

/// <summary>Registers the privacy policy (options validated at start-up) as the record sanitizer.</summary>
public static class PrivacyServiceCollectionExtensions
{
    /// <summary>Binds <see cref="PrivacyOptions"/> and registers <see cref="PrivacyPolicy"/> and <see cref="PolicySanitizer"/>.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>()
            .Bind(configuration.GetSection(PrivacyOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PrivacyOptions>>();
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger<PrivacyPolicy>() ?? NullLogger<PrivacyPolicy>.Instance;
            if (options.Value.UsesDevelopmentKey)
            {
                PrivacyLog.DevelopmentKey(logger, PrivacyOptions.HashKeyEnvironmentVariable);
            }

            PrivacyLog.PolicyActive(logger, options.Value.Fields.Sum(f => f.Value.Count));
            return new PrivacyPolicy(options, sp.GetServices<PersonalFieldDeclaration>());
        });
        services.TryAddSingleton<IRecordSanitizer, PolicySanitizer>();
        return services;
    }
}
