using System.Runtime.InteropServices;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Diagnostics;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Takes one decoded record through the record stages — sanitize (<see cref="IRecordSanitizer"/>), envelope checks
/// (<see cref="RecordEnvelope"/>), dispatch (<see cref="RecordDispatch"/>), build rows (<see cref="RecordRows"/>) — into
/// its batch: a row to write, its partition's roll-up mark and what the observers see, or its dead letter.
/// </summary>
internal sealed class RecordProcessor(RecordDispatch dispatch, DeadLetterRows deadLetters, IRecordSanitizer sanitizer, ILogger logger)
{
    // One record view and one context per thread, reused record after record (issue 18: ~200 bytes per record): nothing
    // reads them after ProcessRecord returns (the view's document is disposed by then; observers keep values, not the context).
    [ThreadStatic]
    private static DiagnosticRecord? t_record;

    [ThreadStatic]
    private static RecordContext? t_context;

    /// <summary>
    /// Processes one record; a data error nobody foresaw (an exception before the record was accepted) dead-letters
    /// the record instead of failing the batch and its neighbours.
    /// </summary>
    public void Process(BatchState batch, JsonElement element, Lineage lineage)
    {
        var pending = batch.Pending.Count;
        var dead = batch.DeadLetters.Count;
        try
        {
            using var sanitized = sanitizer.Sanitize(Categories.OfRecord(element), element);
            ProcessRecord(batch, sanitized, lineage);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && batch.Pending.Count == pending && batch.DeadLetters.Count == dead)
        {
            var raw = JsonMarshal.GetRawUtf8Value(element).ToArray();
            deadLetters.Add(batch, new DeadLetter(DeadLetterReasons.HandlerError, $"IngestPipeline: {ex.GetType().Name}: {ex.Message}", raw, lineage), null);
        }
    }

    /// <summary>
    /// Processes one decoded record: one known by its bytes (split out of its body without a document) is parsed once,
    /// after the privacy pass; one known by its element goes as <see cref="Process(BatchState, JsonElement, Lineage)"/>.
    /// </summary>
    public void Process(BatchState batch, DecodedItem item)
    {
        var utf8 = item.Utf8;
        if (utf8.IsEmpty)
        {
            Process(batch, item.Record, item.Lineage);
            return;
        }

        var pending = batch.Pending.Count;
        var dead = batch.DeadLetters.Count;
        try
        {
            using var sanitized = Sanitize(sanitizer, utf8, item.Category);
            ProcessRecord(batch, sanitized, item.Lineage);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && batch.Pending.Count == pending && batch.DeadLetters.Count == dead)
        {
            deadLetters.Add(batch, new DeadLetter(DeadLetterReasons.HandlerError, $"IngestPipeline: {ex.GetType().Name}: {ex.Message}", utf8.ToArray(), item.Lineage), null);
        }
    }

    /// <summary>
    /// The privacy stage of a record known by its bytes: with its <paramref name="category"/> when the split read it, else
    /// the category read from the bytes, else from its parsed element.
    /// </summary>
    internal static SanitizedRecord Sanitize(IRecordSanitizer sanitizer, ReadOnlyMemory<byte> utf8, string? category = null)
    {
        if (category is not null || Categories.TryOfRecord(utf8.Span, out category))
        {
            return sanitizer.Sanitize(category, utf8);
        }

        var document = JsonDocument.Parse(utf8);
        try
        {
            return sanitizer.Sanitize(Categories.OfRecord(document.RootElement), document.RootElement).Owning(document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    private void ProcessRecord(BatchState batch, in SanitizedRecord sanitized, Lineage lineage)
    {
        using var record = (t_record ??= new DiagnosticRecord()).Reuse(sanitized.Element);
        var payload = sanitized.Utf8Span;

        // The id is the canonical hash of what is stored (the privacy-filtered record), so `migrate record-ids` can
        // recompute it from any stored row; the same record in any serialization gets the same id. The privacy pass
        // computes it from the tokens it writes, when it took the record.
        var recordId = sanitized.RecordId ?? RecordId.Compute(payload);
        if (!RecordEnvelope.TryRead(record, payload, recordId, lineage, t_context ??= new RecordContext(reusable: true), out var context, out var invalid))
        {
            deadLetters.Add(batch, invalid, null);
            return;
        }

        if (!dispatch.TryDispatch(context, payload, out var enriched, out var refused))
        {
            deadLetters.Add(batch, refused, null);
            return;
        }

        var table = RecordRows.TableFor(enriched.Placement);
        var partition = batch.Partitions.Of(context, enriched.Placement);
        var fits = RecordRows.TryBuild(context, enriched, payload, partition, out var entity);
        if (!fits)
        {
            batch.Offload[entity] = payload.ToArray();
        }

        batch.Pending.Add(new PendingRecord(new TableWrite(table, entity), context.Category, enriched.Unclassified, context.Time, lineage));
        if (enriched.Unclassified)
        {
            Log.UnknownCategory(logger, context.Category);
        }

        // One mark for all shards of a window (#20), made when the batch first meets the partition.
        if (batch.Partitions.TryMark(partition))
        {
            batch.Marks.TryAdd(
                (partition.MarkKind, partition.MarkRowKey),
                RollupMarks.Create(partition.MarkKind, entity.PartitionKey, context.Resource.Key, context.Category, Windows.MinuteOf(context.Time), batch.Now));
        }

        foreach (var observation in batch.Observations)
        {
            observation.OnStored(context, enriched);
        }

        enriched.Columns.Release(); // the row holds its own copy of every column; nothing reads the set any more
    }
}
