using System.Diagnostics.CodeAnalysis;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The dispatch stage: hands a record to the handler of its category and returns the enriched record, or the dead
/// letter for a record its handler refused, a handler that failed, or a call record without a correlation id.
/// </summary>
internal sealed class RecordDispatch(HandlerRegistry registry)
{
    /// <summary>Dispatches <paramref name="context"/> (whose stored bytes are <paramref name="payload"/>).</summary>
    public bool TryDispatch(
        RecordContext context,
        ReadOnlySpan<byte> payload,
        [NotNullWhen(true)] out EnrichedRecord? enriched,
        [NotNullWhen(false)] out DeadLetter? deadLetter)
    {
        var handler = registry.Resolve(context.Category);
        HandlerOutcome outcome;
        try
        {
            outcome = handler.Handle(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = HandlerOutcome.DeadLetter(DeadLetterReasons.HandlerError, $"{handler.GetType().Name}: {ex.GetType().Name}: {ex.Message}");
        }

        enriched = outcome.Record;
        if (enriched is null)
        {
            deadLetter = new DeadLetter(outcome.DeadLetterReason ?? DeadLetterReasons.HandlerError, outcome.DeadLetterDetail ?? "Rejected by its handler.", payload.ToArray(), context.Lineage, context.Category, context.Time);
            return false;
        }

        if (enriched.Placement == RecordPlacement.Call && context.CorrelationId is null)
        {
            enriched = null;
            deadLetter = new DeadLetter(DeadLetterReasons.MissingCorrelationId, $"A {context.Category} record needs a correlationId to be joined to its call.", payload.ToArray(), context.Lineage, context.Category, context.Time);
            return false;
        }

        deadLetter = null;
        return true;
    }
}
