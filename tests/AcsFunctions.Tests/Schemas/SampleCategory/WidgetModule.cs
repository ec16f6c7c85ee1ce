using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using AcsFunctions.Rollups;
using AcsFunctions.Schemas;

namespace AcsFunctions.Tests.Schemas.SampleCategory;

/// <summary>
/// A category that exists only in the test project, added by the "Add a category" recipe: a module (its
/// declarations), a handler with its own enrichment and one aggregate. Registered with one line:
/// <c>services.AddCategory(new WidgetModule())</c>.
/// </summary>
public sealed class WidgetModule : CategoryModule
{
    public const string Category = "ContosoWidgetOperational";

    public const string Table = "AggWidgets";

    /// <summary>Widgets per kind, with the summed widget count.</summary>
    public static KeyedCountAggregator Aggregate { get; } = new(Table, Category, ["WidgetKind"], "WidgetCount");

    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        new()
        {
            Name = Category,
            DocumentedFields = ["WidgetKind", "WidgetCount", "OwnerId", "Note"],
            EnrichedColumns = ["WidgetKind", "WidgetCount", "Large"],
            PersonalFields = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
            {
                ["OwnerId"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash),
            },
        },
    ];

    public override IRecordHandler Handler { get; } = new WidgetHandler();

    public override IReadOnlyList<IWindowAggregator> Aggregators { get; } = [Aggregate];

    public override string? SampleJson => """
        {"records":[
         {"time":"2026-11-20T10:15:30Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-WIDGETS","category":"ContosoWidgetOperational","operationName":"MakeWidget","properties":{"WidgetKind":" gear ","WidgetCount":"3","OwnerId":"8:acs:owner-1","Note":"ask ops@example.com"}},
         {"time":"2026-11-20T10:15:40Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-WIDGETS","category":"ContosoWidgetOperational","operationName":"MakeWidget","properties":{"WidgetKind":"Gear","WidgetCount":40,"OwnerId":"8:acs:owner-2"}},
         {"time":"2026-11-20T10:15:50Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-WIDGETS","category":"ContosoWidgetOperational","operationName":"MakeWidget","properties":{"WidgetKind":"spring","WidgetCount":1,"OwnerId":"8:acs:owner-1"}}
        ]}
        """;

    public override IReadOnlyList<string> SummaryColumns => ["WidgetKind"];

    /// <summary>The category's own enrichment: the kind normalised (trimmed, upper case), the count, a large-order flag.</summary>
    private sealed class WidgetHandler : IRecordHandler
    {
        public IReadOnlyCollection<string> Categories { get; } = [Category];

        public HandlerOutcome Handle(RecordContext context)
        {
            var count = context.Record.GetInt64("WidgetCount");
            var columns = new ColumnSet()
                .Add("WidgetKind", context.Record.GetString("WidgetKind").OrNull()?.Trim().ToUpperInvariant())
                .Add("WidgetCount", count)
                .Add("Large", count.OrNull() is { } n ? n >= 10 : null)
                .Add("OwnerId", context.Record.GetString("OwnerId"))
                .Add("Note", context.Record.GetString("Note"));
            return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
        }
    }
}
