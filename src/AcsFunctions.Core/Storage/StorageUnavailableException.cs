namespace AcsFunctions.Storage;

/// <summary>
/// Storage stayed unavailable through every retry. The batch call fails with this so the host retries the
/// whole batch later; writes are idempotent, so the retry stores everything exactly once.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// The storage that was never reached when the CLI's fail-fast ended the call (<c>table</c>, <c>blob</c>, or the
    /// name a client was bound with, such as <c>archive</c>), so a command can give the hint that fits; null otherwise.
    /// </summary>
    public string? Service { get; init; }
}
