namespace AcsFunctions.Decoding;

/// <summary>
/// The UTF-8 byte order mark (EF BB BF), which a file, a line of one (two exports concatenated) or a document inside one
/// may start with; every reader of the decoding stage skips it through these, so they agree on what it is.
/// </summary>
internal static class Utf8Bom
{
    /// <summary>The mark's bytes.</summary>
    public static ReadOnlySpan<byte> Bytes => [0xEF, 0xBB, 0xBF];

    /// <summary><paramref name="data"/> without a leading mark.</summary>
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> data) => data.StartsWith(Bytes) ? data[Bytes.Length..] : data;

    /// <summary><paramref name="data"/> without a leading mark.</summary>
    public static ReadOnlyMemory<byte> Strip(ReadOnlyMemory<byte> data) => data.Span.StartsWith(Bytes) ? data[Bytes.Length..] : data;
}
