using System.Buffers;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Diagnostics;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Adds a unit's dead letter to a batch: privacy-filters its payload and detail, builds its row (payload to a blob when
/// it does not fit), counts it by reason, logs it and shows it to the batch's observations.
/// </summary>
internal sealed class DeadLetterRows(IRecordSanitizer sanitizer, ILogger logger)
{
    /// <summary>
    /// Adds <paramref name="deadLetter"/>. <paramref name="sanitizedPayload"/> is its payload already privacy-filtered
    /// (null: filter it here); <paramref name="rejected"/> is the record it replaces when the service refused its row.
    /// </summary>
    public void Add(BatchState batch, DeadLetter deadLetter, ReadOnlyMemory<byte>? sanitizedPayload, PendingRecord? rejected = null)
    {
        // Only privacy-filtered bytes and text are persisted (the row key hashes the filtered payload too). A record
        // that failed validation may hold personal data where the policy does not look (e.g. in 'time'), so it is
        // also scrubbed by pattern as a whole.
        var payload = sanitizedPayload ?? sanitizer.SanitizeUnparsed(deadLetter.Payload);
        deadLetter = deadLetter with { Payload = payload, Detail = sanitizer.SanitizeText(deadLetter.Detail) };
        var fits = DeadLetterEntities.TryBuild(deadLetter, payload.Span, batch.Now, out var entity);
        if (!fits)
        {
            batch.Offload[entity] = payload.ToArray();
        }

        batch.DeadLetters.Add(new TableWrite(TableNames.DeadLetters, entity));
        batch.DeadByReason[deadLetter.Reason] = batch.DeadByReason.GetValueOrDefault(deadLetter.Reason) + 1;
        Log.RecordDeadLettered(logger, deadLetter.Category ?? "(unknown)", deadLetter.Lineage.ToString(), deadLetter.Reason, deadLetter.Detail);
        foreach (var observation in batch.Observations)
        {
            if (rejected is null)
            {
                observation.OnDeadLettered(deadLetter);
            }
            else
            {
                observation.OnStoreRejected(rejected.Category, rejected.Unclassified, deadLetter);
            }
        }
    }

    /// <summary>
    /// A whole body set aside without being ingested (<c>batch-failed</c>), filtered as its records would have been: each
    /// object of its <c>records</c> array (or the body itself, when it is one object without one) through the privacy
    /// policy of its category, then the whole by pattern as any undecodable payload. Null when the body is not JSON or
    /// the policy throws (the batch may have failed in the policy itself): <see cref="Add"/> then scrubs it by pattern only.
    /// </summary>
    public ReadOnlyMemory<byte>? SanitizeWhole(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var buffer = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("records", out var envelope) && envelope.ValueKind == JsonValueKind.Array)
                {
                    // Member by member, so a body that repeats "records" keeps every array, each filtered.
                    writer.WriteStartObject();
                    foreach (var member in root.EnumerateObject())
                    {
                        if (!member.NameEquals("records") || member.Value.ValueKind != JsonValueKind.Array)
                        {
                            member.WriteTo(writer);
                            continue;
                        }

                        writer.WritePropertyName(member.Name);
                        writer.WriteStartArray();
                        foreach (var record in member.Value.EnumerateArray())
                        {
                            WriteSanitized(writer, record);
                        }

                        writer.WriteEndArray();
                    }

                    writer.WriteEndObject();
                }
                else
                {
                    WriteSanitized(writer, root);
                }
            }

            return sanitizer.SanitizeUnparsed(buffer.WrittenMemory.ToArray());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    private void WriteSanitized(Utf8JsonWriter writer, JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            record.WriteTo(writer);
            return;
        }

        using var sanitized = sanitizer.Sanitize(Categories.OfRecord(record), record);
        sanitized.Element.WriteTo(writer);
    }
}
