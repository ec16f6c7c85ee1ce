using System.CommandLine;

namespace AcsFunctions.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary>Default when neither --storage nor the environment names a storage account: the local Azurite on its default ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static Option<string?> Storage() => new("--storage")
    {
        Description = "Storage connection string (default: env AcsFunctions__Storage__ConnectionString, else the local Azurite: UseDevelopmentStorage=true).",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the result as one JSON object.",
    };

    /// <summary>Resolves the storage connection string: the option, the environment, or local Azurite.</summary>
    public static string ResolveStorage(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable("AcsFunctions__Storage__ConnectionString") is { Length: > 0 } fromEnv ? fromEnv
        : DevelopmentStorage;
}
