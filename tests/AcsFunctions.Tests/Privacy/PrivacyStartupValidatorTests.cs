using AcsFunctions.Hosting;
using AcsFunctions.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Privacy;

public sealed class PrivacyStartupValidatorTests
{
    [Fact]
    public void Host_WithoutKey_RefusesToStart_NamingTheSetting()
    {
        using var services = Build(new() { ["AcsFunctions:Storage:ConnectionString"] = "UseDevelopmentStorage=true" });

        var error = Assert.Throws<OptionsValidationException>(() => PrivacyStartupValidator.EnsureValid(services));
        Assert.Contains(PrivacyOptions.HashKeySetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(PrivacyOptions.HashKeyEnvironmentVariable, error.Message, StringComparison.Ordinal);

        // A generic host runs the same check at StartAsync (ValidateOnStart).
        var startup = services.GetRequiredService<IStartupValidator>();
        var hostError = Assert.Throws<OptionsValidationException>(startup.Validate);
        Assert.Contains(PrivacyOptions.HashKeySetting, hostError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_WithKey_Validates_AndDevelopmentKeyIsRefused()
    {
        var ok = PrivacyStartupValidator.EnsureValid(Configuration(new() { [PrivacyOptions.HashKeySetting] = "a-real-secret-key-0123456789" }));
        Assert.False(ok.UsesDevelopmentKey);

        var error = Assert.Throws<OptionsValidationException>(() =>
            PrivacyStartupValidator.EnsureValid(Configuration(new() { [PrivacyOptions.HashKeySetting] = PrivacyOptions.DevelopmentKey })));
        Assert.Contains("development key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-acs;SecretName=acs-functions-privacy-hash-key)")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv-acs.vault.azure.net/secrets/acs-functions-privacy-hash-key/)")]
    [InlineData("@microsoft.keyvault(VaultName=kv-acs;SecretName=x)")]
    [InlineData("@Microsoft.AppConfiguration(Endpoint=https://appcs.azconfig.io; Key=hash-key)")]
    public void Host_WhoseKeyIsAnUnresolvedReference_RefusesToStart_SayingWhy(string reference)
    {
        // App Service hands an unresolvable reference to the app as its own text, which is long enough to pass as a key.
        Assert.True(reference.Length >= PrivacyOptions.MinKeyLength);
        using var services = Build(new() { ["AcsFunctions:Storage:ConnectionString"] = "UseDevelopmentStorage=true", [PrivacyOptions.HashKeySetting] = reference });

        var error = Assert.Throws<OptionsValidationException>(() => PrivacyStartupValidator.EnsureValid(services));
        Assert.Contains(PrivacyOptions.HashKeySetting, error.Message, StringComparison.Ordinal);
        Assert.Contains("unresolved reference", error.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault Secrets User", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretName=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_template_reference_form_is_recognised_as_a_reference()
    {
        // The exact reference infra/main.bicep writes into AcsFunctions__Privacy__HashKey.
        var bicep = File.ReadAllText(Path.Combine(Infrastructure.RepositoryPaths.Infra, "main.bicep"));
        var reference = System.Text.RegularExpressions.Regex.Match(bicep, @"'(@Microsoft\.KeyVault\([^']*\))'").Groups[1].Value;
        Assert.StartsWith("@Microsoft.KeyVault(", reference, StringComparison.Ordinal);
        Assert.True(PrivacyOptions.IsUnresolvedReference(reference.Replace("${privacyHashKeyVaultName}", "kv", StringComparison.Ordinal)));
        Assert.False(PrivacyOptions.IsUnresolvedReference("a-real-secret-key-@Microsoft.KeyVault("));
    }

    [Fact]
    public void Configuration_DevelopmentFallbackAllowed_UsesTheLabelledKey()
    {
        var options = PrivacyStartupValidator.EnsureValid(Configuration(new() { ["AcsFunctions:Privacy:AllowDevelopmentKey"] = "true" }));

        Assert.True(options.UsesDevelopmentKey);
        Assert.Contains("DEVELOPMENT", options.EffectiveKey, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddAcsFunctionsCore(Configuration(values));
        return services.BuildServiceProvider();
    }
}
