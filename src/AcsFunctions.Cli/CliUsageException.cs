namespace AcsFunctions.Cli;

/// <summary>A bad argument or setting found after parsing (a missing input, a malformed connection string): exit code 2, one line.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliUsageException()
    {
    }
}
