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
}
