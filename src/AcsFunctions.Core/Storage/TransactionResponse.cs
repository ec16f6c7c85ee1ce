using System.Text;
using System.Text.Json;
using Azure;

namespace AcsFunctions.Storage;

/// <summary>
/// Reads the answer to an entity-group transaction: a 202 whose multipart body holds one HTTP response per action when
/// all succeeded, or the one response of the action that failed. The failure becomes the
/// <see cref="RequestFailedException"/> the Tables SDK would throw for it — its status, its OData error code and its
/// message (which begins with the failed action's index, e.g. <c>"0:The specified resource does not exist."</c>).
/// </summary>
internal static class TransactionResponse
{
    /// <summary>The error code of an answer this reader could not make sense of (never retried: the changeset may have been applied).</summary>
    public const string UnreadableCode = "UnreadableTransactionAnswer";

    /// <summary>
    /// Null when every one of the <paramref name="actions"/> succeeded; otherwise the failure, as the SDK reports it. An
    /// answer with no failure but not one success per action is reported as a failure with status 202 and
    /// <see cref="UnreadableCode"/>: not transient, so it is not sent again blindly (the service answered 202, so the
    /// changeset may have been applied; the writer's fallback rewrites the rows one by one, which upserts make safe).
    /// </summary>
    public static RequestFailedException? Failure(ReadOnlySpan<byte> body, int actions)
    {
        var rest = body;
        var successes = 0;
        while (true)
        {
            var at = rest.IndexOf("\r\nHTTP/1.1 "u8);
            if (at < 0)
            {
                break;
            }

            rest = rest[(at + 11)..];
            if (rest.Length < 3 || !int.TryParse(rest[..3], out var status))
            {
                break;
            }

            if (status is >= 200 and < 300)
            {
                successes++;
                continue;
            }

            var headersEnd = rest.IndexOf("\r\n\r\n"u8);
            var content = headersEnd < 0 ? [] : rest[(headersEnd + 4)..];
            var boundary = content.IndexOf("\r\n--"u8);
            var (code, message) = ODataError(boundary < 0 ? content : content[..boundary]);
            return new RequestFailedException(status, message ?? $"The transaction failed with status {status}.", code, null);
        }

        return successes == actions
            ? null
            : new RequestFailedException(202, $"The transaction's answer could not be read: {successes} success(es) for {actions} action(s) and no failure.", UnreadableCode, null);
    }

    /// <summary>
    /// The code and message of an OData error body (<c>{"odata.error":{"code":…,"message":{"value":…}}}</c>), or of the
    /// plain form (<c>{"error":{"code":…,"message":…}}</c>); nulls when the body is neither (the text itself is the message).
    /// </summary>
    public static (string? Code, string? Message) ODataError(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("odata.error", out var error) || root.TryGetProperty("error", out error))
                && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                string? message = null;
                if (error.TryGetProperty("message", out var m))
                {
                    message = m.ValueKind switch
                    {
                        JsonValueKind.String => m.GetString(),
                        JsonValueKind.Object when m.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String => v.GetString(),
                        _ => null,
                    };
                }

                return (code, message);
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text is the message.
        }

        return (null, Encoding.UTF8.GetString(json[..Math.Min(json.Length, 512)]).Trim());
    }
}
