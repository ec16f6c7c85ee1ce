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

    /// <summary>
    /// Adds a check of <paramref name="option"/>'s value (<paramref name="error"/>: the message for a bad value, or null),
    /// run only on a value that parsed: a value that is not a <typeparamref name="T"/> at all is already the parser's
    /// error (exit 2, the usage hint), and reading it in a validator throws, ending the process with a stack trace.
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T?, string?> error)
    {
        option.Validators.Add(result =>
        {
            T? value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return; // "Cannot parse argument 'abc' for option '--calls' as expected type 'System.Int32'", reported by the parser
            }

            if (error(value) is { } message)
            {
                result.AddError(message);
            }
        });
        return option;
    }

    /// <summary>Resolves the storage connection string: the option, the environment, or local Azurite.</summary>
    public static string ResolveStorage(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable("AcsFunctions__Storage__ConnectionString") is { Length: > 0 } fromEnv ? fromEnv
        : DevelopmentStorage;
}
