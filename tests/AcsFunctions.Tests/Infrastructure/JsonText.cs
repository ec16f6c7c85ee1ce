using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>JSON text helpers of the tests, independent of the query code's serializer.</summary>
internal static class JsonText
{
    /// <summary>
    /// <paramref name="json"/> without indentation, every token kept as written (numbers keep their digits, strings are
    /// re-escaped with the query JSON's relaxed encoder): the HTTP API's body of an answer whose CLI text is <paramref name="json"/>.
    /// </summary>
    public static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The start of a long JSON text, for a failure message.</summary>
    public static string Clip(string json) => json.Length <= 1500 ? json : json[..1500] + "…";
}
