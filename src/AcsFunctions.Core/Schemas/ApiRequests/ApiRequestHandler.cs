using System.Collections.Frozen;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Schemas.ApiRequests;

/// <summary>
/// The shared base of the API-request family: the request columns (<see cref="ApiRequestColumns"/>) and, per
/// category, the few fields an operator filters on (thread, room, queue, message status, …), copied as text. A
/// category with more enrichment lives in its own folder with a subclass that overrides <see cref="Enrich"/>
/// (SMS delivery reports: <c>Schemas/Sms</c>).
/// </summary>
public class ApiRequestHandler : IRecordHandler
{
    private readonly FrozenDictionary<string, string[]> _extras;

    /// <summary>Creates the handler of the categories named in <paramref name="extras"/>, each with the fields it copies.</summary>
    public ApiRequestHandler(IReadOnlyDictionary<string, string[]> extras)
    {
        _extras = extras.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Categories = [.. extras.Keys];
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; }

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var record = context.Record;
        var extras = _extras.GetValueOrDefault(context.Category) ?? [];
        var columns = new ColumnSet(ApiRequestColumns.Count + extras.Length + EnrichedColumns);
        var outcome = ApiRequestColumns.Add(columns, record);
        foreach (var name in extras)
        {
            columns.Add(name, record.GetString(name));
        }

        Enrich(columns, context, outcome);
        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }

    /// <summary>Most columns <see cref="Enrich"/> adds (sizes each record's column set once).</summary>
    protected virtual int EnrichedColumns => 0;

    /// <summary>Adds a category's own columns after the request columns and the copied fields (nothing by default).</summary>
    protected virtual void Enrich(ColumnSet columns, RecordContext context, RequestOutcome outcome)
    {
    }
}
