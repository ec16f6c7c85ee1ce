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
    private static readonly SearchValues<byte> _outsideString = SearchValues.Create(" \t\r\n\""u8);
    private static readonly SearchValues<byte> _insideString = SearchValues.Create("\"\\"u8);

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
        // Copies runs between the bytes that matter with vectorised searches: outside strings white space is dropped
        // and '"' opens a string; inside, everything is kept, '\\' keeps the next byte as is and '"' closes it.
        var length = 0;
        var i = 0;
        while (i < json.Length)
        {
            var rest = json[i..];
            var stop = rest.IndexOfAny(_outsideString);
            if (stop < 0)
            {
                rest.CopyTo(output[length..]);
                return length + rest.Length;
            }

            rest[..stop].CopyTo(output[length..]);
            length += stop;
            i += stop;
            if (json[i] != (byte)'"')
            {
                i++; // white space
                continue;
            }

            output[length++] = (byte)'"';
            i++;
            while (i < json.Length)
            {
                var text = json[i..];
                var end = text.IndexOfAny(_insideString);
                if (end < 0)
                {
                    text.CopyTo(output[length..]);
                    return length + text.Length;
                }

                text[..(end + 1)].CopyTo(output[length..]);
                length += end + 1;
                i += end + 1;
                if (json[i - 1] == (byte)'"')
                {
                    break;
                }

                if (i < json.Length)
                {
                    output[length++] = json[i++]; // the escaped byte
                }
            }
        }

        return length;
    }
}
