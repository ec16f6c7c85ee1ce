using System.Text;
using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// A string property value held as the UTF-8 bytes it arrived in, until it is written (issue 18). A record's readable
/// copy (<see cref="PayloadColumns.Raw"/>) was decoded to UTF-16 for every row — twice its bytes, the largest single
/// allocation of the ingest path — only for the app's transaction writer to encode it back to UTF-8. The writer
/// (<c>TransactionBody</c>) writes these bytes as the JSON string the service receives, escaped exactly as the string
/// would be; every path through the Tables SDK first turns the value back into that string (<see cref="ToStrings"/>).
/// Only valid UTF-8 is held this way (<see cref="TryCreate"/>): anything else stays a string, with the replacement
/// characters decoding gives it, as before.
/// </summary>
public sealed class Utf8Text
{
    private readonly byte[] _utf8;

    private Utf8Text(byte[] utf8, int length)
    {
        _utf8 = utf8;
        Length = length;
    }

    /// <summary>The text's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>The text's length in UTF-16 characters, as the service counts a string property.</summary>
    public int Length { get; }

    /// <summary>A copy of <paramref name="utf8"/> when it is valid UTF-8; null otherwise.</summary>
    public static Utf8Text? TryCreate(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Ascii.IsValid(utf8))
        {
            return new Utf8Text(utf8.ToArray(), utf8.Length);
        }

        return System.Text.Unicode.Utf8.IsValid(utf8) ? new Utf8Text(utf8.ToArray(), Encoding.UTF8.GetCharCount(utf8)) : null;
    }

    /// <summary>The text's length in UTF-16 characters, without a copy (<see cref="Length"/> of the value it would make).</summary>
    internal static int CharCount(ReadOnlySpan<byte> utf8) =>
        System.Text.Ascii.IsValid(utf8) ? utf8.Length : Encoding.UTF8.GetCharCount(utf8);

    /// <summary>The text as a string.</summary>
    public override string ToString() => Encoding.UTF8.GetString(_utf8);

    /// <summary>
    /// Replaces every <see cref="Utf8Text"/> value of <paramref name="entity"/> by its string, for the Tables SDK (which
    /// writes only the types it knows); returns the entity.
    /// </summary>
    public static T ToStrings<T>(T entity)
        where T : ITableEntity
    {
        if (entity is not IDictionary<string, object> values)
        {
            return entity;
        }

        List<string>? names = null;
        foreach (var (name, value) in values)
        {
            if (value is Utf8Text)
            {
                (names ??= []).Add(name);
            }
        }

        foreach (var name in names ?? [])
        {
            values[name] = values[name].ToString()!;
        }

        return entity;
    }

    /// <summary><see cref="ToStrings{T}"/> on the entity of every action.</summary>
    public static void ToStrings(IEnumerable<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        foreach (var action in actions)
        {
            ToStrings(action.Entity);
        }
    }
}
