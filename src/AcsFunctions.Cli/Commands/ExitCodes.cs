namespace AcsFunctions.Cli.Commands;

/// <summary>acs-diag exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int InvalidArguments = 2;
    public const int StorageUnavailable = 3;
    public const int Differences = 4;
}
