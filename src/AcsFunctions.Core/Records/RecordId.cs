using System.Buffers;
using System.Security.Cryptography;

namespace AcsFunctions.Records;

/// <summary>
/// Deterministic id of a record's content: SHA-256 over its JSON with insignificant white space removed,
/// truncated to 128 bits (32 hex characters). The same record re-delivered — or read from the storage archive
/// with different formatting — gets the same id, so storing it is an idempotent upsert.
/// </summary>
public static class RecordId
{
    [ThreadStatic]
    private static IncrementalHash? t_sha;

    /// <summary>Computes the id of a record's UTF-8 JSON text.</summary>
    public static string Compute(ReadOnlySpan<byte> json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var length = Compact(json, buffer);
            Span<byte> hash = stackalloc byte[32];

            // One reused hash object per thread: the one-shot SHA256.HashData sets up and frees a native digest
            // context on every call, which costs more than hashing a typical 1 KB record.
            var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(buffer, 0, length);
            sha.GetHashAndReset(hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hash of arbitrary bytes (for dead letters and blob names), 32 hex characters.</summary>
    public static string HashBytes(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static int Compact(ReadOnlySpan<byte> json, Span<byte> output)
    {
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                output[length++] = b;
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                output[length++] = b;
                if (b == (byte)'"')
                {
                    inString = true;
                }
            }
        }

        return length;
    }
}
