using System.Text.Encodings.Web;
using System.Text.Json;

namespace AcsFunctions.Queries;

/// <summary>
/// The JSON conventions of every query result: camelCase, ISO-8601 UTC times, nulls kept, a non-finite number as null; indented for people
/// (<c>acs-diag query --format json</c>), compact on the wire (the HTTP API and the dashboard), same content.
/// An answer is written once, as UTF-8, from its rows straight to the destination stream through the serializer's
/// pooled buffer (flushed every ~16 KB): no JSON string and no array of the whole answer (docs/query-api.md).
/// </summary>
public static class QueryJson
{
    /// <summary>The serializer options of the indented form (the CLI's <c>--format json</c>).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcTimeJsonConverter(), new FiniteNumberJsonConverter() },
    };

    /// <summary>The same conventions without indentation: the body of the HTTP API.</summary>
    public static JsonSerializerOptions CompactOptions { get; } = new(Options) { WriteIndented = false };

    /// <summary>Writes rows as one JSON array of UTF-8 to <paramref name="destination"/>, in chunks as they are produced.</summary>
    /// <param name="destination">The response body, a file or <see cref="Stream.Null"/>; not disposed.</param>
    /// <param name="rows">The rows (records of the kinds' row types).</param>
    /// <param name="indented">Indented (people) or compact (the wire).</param>
    /// <param name="cancellationToken">Stops writing (client gone).</param>
    public static Task WriteAsync(Stream destination, IReadOnlyList<object> rows, bool indented, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(destination, rows, indented ? Options : CompactOptions, cancellationToken);

    /// <summary>The synchronous <see cref="WriteAsync"/> (a console's standard output).</summary>
    public static void Write(Stream destination, IReadOnlyList<object> rows, bool indented) =>
        JsonSerializer.Serialize(destination, rows, indented ? Options : CompactOptions);

    /// <summary>Rows as one JSON string — for small answers, tools and tests; hosts write bytes with <see cref="WriteAsync"/>.</summary>
    public static string Serialize(IReadOnlyList<object> rows, bool indented = true) => JsonSerializer.Serialize(rows, indented ? Options : CompactOptions);

    /// <summary>Rounds a value for output (null stays null).</summary>
    public static double? Round(double? value, int decimals = 3) => value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;
}
