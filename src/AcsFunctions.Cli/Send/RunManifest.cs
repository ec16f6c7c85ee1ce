using System.Text.Json;
using System.Text.Json.Serialization;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Records;

namespace AcsFunctions.Cli.Send;

/// <summary>
/// What one <c>acs-diag send</c> run published, for <c>acs-diag verify</c>: the run id, and per record the two ids it can
/// be found by once the app has ingested it — its <see cref="RecordId"/> (the <c>RecordId</c> column of a stored row)
/// and the hashes a dead letter of it would carry in its RowKey: of its bytes, and of its bytes after the app's privacy
/// scrubbing (computed with this machine's privacy key, <c>AcsFunctions__Privacy__HashKey</c>; the app's must be the same
/// for the second to match). A body that is not a JSON object with a <c>records</c> array is one unit, expected as a
/// dead letter of its whole bytes.
/// </summary>
internal sealed record RunManifest
{
    /// <summary>The run id (also the <c>acs-diag-run</c> property of every event sent).</summary>
    public required string Run { get; init; }

    /// <summary>The Event Hub the run was sent to.</summary>
    public required string Hub { get; init; }

    /// <summary>Events (bodies) sent.</summary>
    public int Events { get; set; }

    /// <summary>Every unit sent.</summary>
    public List<ExpectedUnit> Units { get; init; } = [];

    /// <summary>Adds the units of one body; <paramref name="sanitizer"/> is the privacy scrubbing the app applies to dead letters.</summary>
    public void AddBody(ReadOnlyMemory<byte> body, IRecordSanitizer sanitizer)
    {
        ArgumentNullException.ThrowIfNull(sanitizer);
        Events++;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("records", out var records)
                && records.ValueKind == JsonValueKind.Array)
            {
                foreach (var record in records.EnumerateArray())
                {
                    // The app stores the privacy-filtered record and its id is computed from that (see RecordId).
                    var raw = System.Text.Encoding.UTF8.GetBytes(record.GetRawText());
                    using var stored = sanitizer.Sanitize(Categories.OfRecord(record), record);
                    Units.Add(new ExpectedUnit(stored.RecordId ?? RecordId.Compute(stored.Utf8Span), Hashes(raw, sanitizer), Events - 1));
                }

                return;
            }
        }
        catch (JsonException)
        {
        }

        Units.Add(new ExpectedUnit(null, Hashes(body, sanitizer), Events - 1));
    }

    private static string[] Hashes(ReadOnlyMemory<byte> raw, IRecordSanitizer sanitizer) =>
        [.. new[] { RecordId.HashBytes(raw.Span), RecordId.HashBytes(sanitizer.SanitizeUnparsed(raw).Span) }.Distinct(StringComparer.Ordinal)];

    /// <summary>The manifest file of run <paramref name="run"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string run) => Path.Combine(directory, $"acs-diag-run-{run}.json");

    /// <summary>Writes the manifest.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, this, _options, cancellationToken);
    }

    /// <summary>Reads a manifest.</summary>
    public static async Task<RunManifest> LoadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<RunManifest>(stream, _options, cancellationToken)
            ?? throw new InvalidDataException($"{path} is not a run manifest.");
    }

    private static readonly JsonSerializerOptions _options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One record (or undecodable body) sent: found as a row with <paramref name="RecordId"/> or a dead letter with one of <paramref name="Hashes"/>.</summary>
internal sealed record ExpectedUnit(string? RecordId, string[] Hashes, int Event);
