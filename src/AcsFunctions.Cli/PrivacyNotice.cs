using AcsFunctions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Cli;

/// <summary>Tells the user, once per process on standard error, when personal fields are hashed with the public development key.</summary>
internal static class PrivacyNotice
{
    /// <summary>The CLI falls back to the development key (the Functions app does not).</summary>
    public const string AllowDevelopmentKeySetting = "AcsFunctions:Privacy:AllowDevelopmentKey";

    private static int _written;

    public static void WriteOnce(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PrivacyOptions>>().Value;
        if (options.UsesDevelopmentKey && Interlocked.Exchange(ref _written, 1) == 0)
        {
            Console.Error.WriteLine(
                $"notice: {PrivacyOptions.HashKeyEnvironmentVariable} is not set; personal fields are hashed with the public DEVELOPMENT key (not secret; hashes differ from a deployment's).");
        }
    }
}
