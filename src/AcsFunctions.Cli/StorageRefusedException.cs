using AcsFunctions.Storage;
using Azure;

namespace AcsFunctions.Cli;

/// <summary>
/// Our storage refusing the credentials (401/403), named as the command knows it ("the destination storage (--storage)"
/// beside a backfill's archive, "table storage … for the api-requests query"): <see cref="CliRunner"/> reports it as
/// every refusal, exit 3 with <see cref="CliRunner.RefusedHint"/>, in one line naming the error code and what it means.
/// </summary>
internal sealed class StorageRefusedException : Exception
{
    /// <summary>The refusal <paramref name="refusal"/> by <paramref name="storage"/> (the line's subject), for <paramref name="purpose"/> ("for the api-requests query") if given.</summary>
    public StorageRefusedException(RequestFailedException refusal, string storage, string? purpose = null)
        : base($"{storage} refused the credentials{(purpose is null ? null : " " + purpose)} ({StorageRefusal.Status(refusal)}): {StorageRefusal.Cause(refusal)}.", refusal)
    {
    }

    public StorageRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageRefusedException(string message)
        : base(message)
    {
    }

    public StorageRefusedException()
    {
    }
}
