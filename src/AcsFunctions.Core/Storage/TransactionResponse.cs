using System.Text;
using System.Text.Json;
using Azure;

namespace AcsFunctions.Storage;

/// <summary>
/// Reads the answer to an entity-group transaction (a 202 whose multipart body holds one HTTP response per action,
/// or a single error response for the whole changeset): the first answer that is not a success becomes the
/// <see cref="RequestFailedException"/> the Tables SDK would throw for it — its status, its OData error code and its
/// message (which begins with the failed action's index, e.g. <c>"0:The specified resource does not exist."</c>).
/// </summary>
internal static class TransactionResponse
{
    /// <summary>Null when every action succeeded; otherwise the failure, as the SDK reports it.</summary>
    public static RequestFailedException? Failure(ReadOnlySpan<byte> body)
    {
        var rest = body;
        var answers = 0;
        while (true)
        {
            var at = rest.IndexOf("HTTP/1.1 "u8);
            if (at < 0)
            {
                break;
            }

            rest = rest[(at + 9)..];
            if (rest.Length < 3 || !int.TryParse(rest[..3], out var status))
            {
                return new RequestFailedException(0, "The transaction's answer could not be read: an HTTP status line without a status.");
            }

            answers++;
            if (status is >= 200 and < 300)
            {
                continue;
            }

            var headersEnd = rest.IndexOf("\r\n\r\n"u8);
            var content = headersEnd < 0 ? [] : rest[(headersEnd + 4)..];
            var boundary = content.IndexOf("\r\n--"u8);
            var error = boundary < 0 ? content : content[..boundary];
            var (code, message) = ODataError(error);
            return new RequestFailedException(status, message ?? $"The transaction failed with status {status}.", code, null);
        }

        return answers > 0 ? null : new RequestFailedException(0, "The transaction's answer held no response to its actions.");
    }

    /// <summary>The code and message of an OData error body (<c>{"odata.error":{"code":…,"message":{"value":…}}}</c>).</summary>
    private static (string? Code, string? Message) ODataError(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            string? code = null;
            string? message = null;
            var depth = 0;
            string? property = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        depth++;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.String when depth == 2 && property == "code":
                        code = reader.GetString();
                        break;
                    case JsonTokenType.String when depth is 2 or 3 && property is "value" or "message":
                        message = reader.GetString();
                        break;
                    default:
                        break;
                }
            }

            return (code, message);
        }
        catch (JsonException)
        {
            return (null, json.IsEmpty ? null : Encoding.UTF8.GetString(json[..Math.Min(json.Length, 512)]));
        }
    }
}
