using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// The body of one entity-group transaction (<c>POST {endpoint}/$batch</c>, OData JSON in a multipart/mixed changeset),
/// written straight from the entities' values into one buffer: the same request the Tables SDK writes for
/// <see cref="TableClient.SubmitTransactionAsync"/> (parts, headers, key escaping, property annotations — checked
/// byte for byte against the SDK's in the tests), without the SDK's annotated copy of each entity and its per-part
/// serialisation, which cost ~35 µs and ~30 KB per entity (docs/benchmarks.md). A value of a type this writer does not
/// know (or a non-finite double other than NaN, or a DateTime that is not UTC) makes <see cref="TryWrite"/> return
/// false, and the caller hands the transaction to the SDK, which writes or refuses it as it always did.
/// </summary>
internal static class TransactionBody
{
    private static readonly JsonWriterOptions Json = new() { SkipValidation = true };

    /// <summary>
    /// Writes the transaction of <paramref name="actions"/> on <paramref name="table"/> (its physical name) into
    /// <paramref name="output"/>; false (with <paramref name="output"/> partly written) when an entity holds a value this
    /// writer does not write. <paramref name="endpoint"/> is the table service's URI without a trailing slash.
    /// </summary>
    public static bool TryWrite(IBufferWriter<byte> output, string endpoint, string table, IReadOnlyList<TableTransactionAction> actions, string batchBoundary, string changesetBoundary)
    {
        // The endpoint is the sender's absolute URI: its host is what follows the scheme, up to a port or a path.
        var authority = endpoint.AsSpan(endpoint.IndexOf("://", StringComparison.Ordinal) + 3);
        var host = authority[..IndexOfAnyOrLength(authority, ':', '/')];
        var escapedTable = Uri.EscapeDataString(table);
        Ascii(output, "--");
        Ascii(output, batchBoundary);
        Ascii(output, "\r\nContent-Type: multipart/mixed; boundary=");
        Ascii(output, changesetBoundary);
        Ascii(output, "\r\n\r\n");
        using var writer = new Utf8JsonWriter(output, Json);
        foreach (var action in actions)
        {
            Ascii(output, "--");
            Ascii(output, changesetBoundary);
            Ascii(output, "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            var entity = action.Entity;
            var (method, keyed, body) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", false, true),
                TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpsertMerge => ("PATCH", true, true),
                TableTransactionActionType.UpdateReplace or TableTransactionActionType.UpsertReplace => ("PUT", true, true),
                TableTransactionActionType.Delete => ("DELETE", true, false),
                _ => (null, false, false),
            };
            if (method is null)
            {
                return false;
            }

            Ascii(output, method);
            Ascii(output, " ");
            Ascii(output, endpoint);
            Ascii(output, "/");
            Ascii(output, escapedTable);
            if (keyed)
            {
                Ascii(output, "(PartitionKey='");
                Ascii(output, Key(entity.PartitionKey));
                Ascii(output, "',RowKey='");
                Ascii(output, Key(entity.RowKey));
                Ascii(output, "')");
            }

            Ascii(output, "?$format=application%2Fjson%3Bodata%3Dminimalmetadata HTTP/1.1\r\nHost: ");
            Ascii(output, host);
            Ascii(output, "\r\nx-ms-version: ");
            Ascii(output, TransactionSender.ServiceVersion);
            Ascii(output, "\r\nDataServiceVersion: 3.0\r\n");
            if (action.ActionType == TableTransactionActionType.Add)
            {
                Ascii(output, "Prefer: return-no-content\r\nAccept: application/json;odata=minimalmetadata\r\nContent-Type: application/json;odata=nometadata\r\n\r\n");
            }
            else
            {
                // As the SDK: a delete is conditional on its ETag, or on any (*); an update names its ETag when it has one.
                var etag = action.ActionType switch
                {
                    TableTransactionActionType.Delete => action.ETag == default ? ETag.All : action.ETag,
                    TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace when action.ETag != default => action.ETag,
                    _ => default(ETag?),
                };
                if (etag is { } match)
                {
                    Ascii(output, "If-Match: ");
                    Ascii(output, match.ToString());
                    Ascii(output, "\r\n");
                }

                Ascii(output, body ? "Accept: application/json\r\nContent-Type: application/json\r\n\r\n" : "Accept: application/json;odata=minimalmetadata\r\n\r\n");
            }

            if (body)
            {
                writer.Reset(output);
                if (!TryWriteEntity(writer, entity))
                {
                    return false;
                }

                writer.Flush();
            }

            Ascii(output, "\r\n");
        }

        Ascii(output, "--");
        Ascii(output, changesetBoundary);
        Ascii(output, "--\r\n\r\n--");
        Ascii(output, batchBoundary);
        Ascii(output, "--\r\n");
        return true;
    }

    /// <summary>An entity's properties as the SDK writes them: system properties left out, Int64, Double, DateTime, Guid and Binary annotated.</summary>
    private static bool TryWriteEntity(Utf8JsonWriter writer, ITableEntity entity)
    {
        if (entity is not IDictionary<string, object?> values)
        {
            return false;
        }

        writer.WriteStartObject();
        foreach (var (name, value) in values)
        {
            if (name is "odata.etag" or "Timestamp")
            {
                continue;
            }

            switch (value)
            {
                case null:
                    writer.WriteNull(name);
                    break;
                case string text:
                    writer.WriteString(name, text);
                    break;
                case Utf8Text text:
                    writer.WriteString(name, text.Utf8); // escaped as the string would be (valid UTF-8 only: Utf8Text.TryCreate)
                    break;
                case bool flag:
                    writer.WriteBoolean(name, flag);
                    break;
                case int number:
                    writer.WriteNumber(name, number);
                    break;
                case long number:
                    {
                        Span<byte> digits = stackalloc byte[20];
                        number.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
                        writer.WriteString(name, digits[..length]);
                        Annotate(writer, name, "Edm.Int64"u8);
                        break;
                    }

                case double number when double.IsFinite(number):
                    writer.WriteNumber(name, number);
                    Annotate(writer, name, "Edm.Double"u8);
                    break;
                case double number when double.IsNaN(number):
                    writer.WriteString(name, "NaN"u8);
                    Annotate(writer, name, "Edm.Double"u8);
                    break;
                case DateTimeOffset time:
                    WriteTime(writer, name, time.UtcDateTime);
                    break;
                case DateTime time when time.Kind == DateTimeKind.Utc:
                    WriteTime(writer, name, time);
                    break;
                case Guid id:
                    {
                        Span<byte> text = stackalloc byte[36];
                        id.TryFormat(text, out var length, "D");
                        writer.WriteString(name, text[..length]);
                        Annotate(writer, name, "Edm.Guid"u8);
                        break;
                    }

                case byte[] bytes:
                    writer.WriteBase64String(name, bytes);
                    Annotate(writer, name, "Edm.Binary"u8);
                    break;
                case BinaryData data:
                    writer.WriteBase64String(name, data.ToMemory().Span);
                    Annotate(writer, name, "Edm.Binary"u8);
                    break;
                default:
                    return false;
            }
        }

        writer.WriteEndObject();
        return true;
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTime utc)
    {
        Span<byte> text = stackalloc byte[28];
        utc.TryFormat(text, out var length, "yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..length]);
        Annotate(writer, name, "Edm.DateTime"u8);
    }

    /// <summary>The <c>{name}@odata.type</c> property (the name composed on the stack, not as a new string).</summary>
    private static void Annotate(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> type)
    {
        const string Suffix = "@odata.type";
        var length = name.Length + Suffix.Length;
        var rented = length > 256 ? ArrayPool<char>.Shared.Rent(length) : null;
        var chars = rented is null ? stackalloc char[length] : rented.AsSpan(0, length);
        name.CopyTo(chars);
        Suffix.CopyTo(chars[name.Length..]);
        writer.WriteString(chars, type);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>A key as it appears in an entity's address: quotes doubled (OData), then percent-encoded.</summary>
    private static string Key(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static int IndexOfAnyOrLength(ReadOnlySpan<char> text, char first, char second)
    {
        var at = text.IndexOfAny(first, second);
        return at < 0 ? text.Length : at;
    }

    private static void Ascii(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }
}
