using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Privacy;

/// <summary>
/// The start-up check a host calls before it processes anything: without a configured privacy key (and without an
/// explicit development fallback) it throws an <see cref="OptionsValidationException"/> whose message names
/// <see cref="PrivacyOptions.HashKeySetting"/> / <see cref="PrivacyOptions.HashKeyEnvironmentVariable"/>. Generic hosts
/// get the same check through <c>ValidateOnStart</c>; the Functions app calls <see cref="EnsureValid(IServiceProvider)"/>
/// right after building its host so a missing key stops it at start rather than at the first event.
/// </summary>
public static class PrivacyStartupValidator
{
    /// <summary>Validates the privacy settings registered by <see cref="PrivacyServiceCollectionExtensions.AddPrivacy"/>.</summary>
    /// <returns>The validated options.</returns>
    /// <exception cref="OptionsValidationException">The key is missing, too short, the public development key, or an override is not an action.</exception>
    public static PrivacyOptions EnsureValid(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<IOptions<PrivacyOptions>>().Value;
    }

    /// <summary>Validates the privacy settings of a configuration without a service provider.</summary>
    /// <returns>The validated options.</returns>
    /// <exception cref="OptionsValidationException">As <see cref="EnsureValid(IServiceProvider)"/>.</exception>
    public static PrivacyOptions EnsureValid(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.SectionName)).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return EnsureValid(provider);
    }
}
