using System.Security.Cryptography;

namespace AcsFunctions.Records;

/// <summary>
/// Deterministic id of a record: SHA-256 over its <em>canonical form</em>, truncated to 128 bits (32 hex
/// characters). The same logical record gets the same id however it was serialized, so storing it is an
/// idempotent upsert even when the live stream and the storage archive write it differently:
/// <list type="bullet">
/// <item>white space and member order do not matter (members are sorted; names compare ASCII case-insensitively,
/// since services send <c>resourceId</c> as well as <c>resourceid</c>);</item>
/// <item>strings are compared unescaped (<c>\/</c>, <c>\u0043</c>);</item>
/// <item>numbers, and strings that are exactly a JSON number, compare by exact decimal value (<c>21</c>,
/// <c>"21"</c>, <c>21.0</c>, <c>2.1e1</c>); <c>"021"</c>, <c>"NaN"</c> stay text;</item>
/// <item>ISO-8601 date-times compare as UTC instants (<c>+00:00</c>, <c>Z</c>, <c>+01:00</c>, 3 or 7 fractional
/// digits); a time without offset is UTC, as everywhere in the pipeline;</item>
/// <item>a string that holds a JSON object or array (<c>properties</c> sent as a string) compares as that value.</item>
/// </list>
/// Every member of the record takes part, so two records that share their identifying fields (time, resource,
/// category, operation, correlation id) but differ anywhere else keep different ids. The walk is a single
/// <see cref="System.Text.Json.Utf8JsonReader"/> pass over the bytes in hand into one pooled buffer (no DOM, no strings).
/// </summary>
public static class RecordId
{
    [ThreadStatic]
    private static IncrementalHash? t_sha;

    [ThreadStatic]
    private static RecordCanonicalizer? t_canonicalizer;

    /// <summary>Computes the id of a record's UTF-8 JSON text (its canonical form; see the type's remarks).</summary>
    public static string Compute(ReadOnlySpan<byte> json)
    {
        var canonical = t_canonicalizer ??= new RecordCanonicalizer();
        try
        {
            return Of(canonical.Write(json));
        }
        finally
        {
            canonical.Release();
        }
    }

    /// <summary>
    /// Starts an id written token by token by a pass that reads the record anyway (the privacy pass): the thread's
    /// canonicalizer, empty. End with <see cref="Finish"/> or <see cref="Abandon"/>.
    /// </summary>
    internal static RecordCanonicalizer Begin(int jsonLength)
    {
        var canonical = t_canonicalizer ??= new RecordCanonicalizer();
        canonical.Begin(jsonLength);
        return canonical;
    }

    /// <summary>The id of the canonical form written since <see cref="Begin"/> (the same as <see cref="Compute"/> of the record written).</summary>
    internal static string Finish(RecordCanonicalizer canonical)
    {
        try
        {
            return Of(canonical.Canonical);
        }
        finally
        {
            canonical.Release();
        }
    }

    /// <summary>Drops an id started with <see cref="Begin"/>.</summary>
    internal static void Abandon(RecordCanonicalizer canonical) => canonical.Release();

    private static string Of(ReadOnlySpan<byte> canonical)
    {
        // One reused hash object per thread: the one-shot SHA256.HashData sets up and frees a native digest context on
        // every call, which costs more than hashing a typical 1 KB record.
        Span<byte> hash = stackalloc byte[32];
        var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(canonical);
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>The canonical bytes that <see cref="Compute"/> hashes (for tests and diagnostics).</summary>
    public static byte[] Canonical(ReadOnlySpan<byte> json)
    {
        var canonical = t_canonicalizer ??= new RecordCanonicalizer();
        try
        {
            return canonical.Write(json).ToArray();
        }
        finally
        {
            canonical.Release();
        }
    }

    /// <summary>Hash of arbitrary bytes (for dead letters and blob names), 32 hex characters.</summary>
    public static string HashBytes(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
