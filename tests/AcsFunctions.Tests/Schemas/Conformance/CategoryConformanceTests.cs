using AcsFunctions.Schemas;

namespace AcsFunctions.Tests.Schemas.Conformance;

/// <summary>Every registered category module passes the conformance checks (no storage needed).</summary>
public sealed class CategoryConformanceTests
{
    public static TheoryData<string> Modules => [.. SchemaHandlerRegistration.BuiltIn.Select(m => m.GetType().Name)];

    [Theory]
    [MemberData(nameof(Modules))]
    public void RegisteredModule_Conforms(string module)
    {
        var problems = CategoryConformance.Check(SchemaHandlerRegistration.BuiltIn.Single(m => m.GetType().Name == module), SchemaHandlerRegistration.BuiltIn);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void EveryCategoryWithAHandler_IsClaimedByExactlyOneModule()
    {
        var claimed = SchemaHandlerRegistration.BuiltIn.SelectMany(m => m.Categories).Select(c => c.Name).ToList();

        Assert.Equal(claimed.Count, claimed.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(claimed.Order(StringComparer.Ordinal), SchemaHandlerRegistration.CreateDefaultRegistry().KnownCategories.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BrokenModule_IsReported()
    {
        // The checks can fail: a module whose declarations its sample and handler do not back.
        var problems = CategoryConformance.Check(new BrokenModule(), [new BrokenModule()]);

        Assert.Contains(problems, p => p.Contains("declared enriched column 'NoSuchColumn'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("personal-field rule 'Typo'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("UsageLike: the sample has no record of the category", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("not privacy-declared", StringComparison.Ordinal)); // declared by registering it
    }

    private sealed class BrokenModule : CategoryModule
    {
        public override IReadOnlyList<CategorySpec> Categories { get; } =
        [
            new()
            {
                Name = AcsFunctions.Dispatch.Categories.Usage,
                DocumentedFields = ["UsageType"],
                EnrichedColumns = ["NoSuchColumn"],
                PersonalFields = new Dictionary<string, AcsFunctions.Privacy.FieldRule> { ["Typo"] = AcsFunctions.Privacy.PersonalFields.FreeText },
            },
            new() { Name = "UsageLike", DocumentedFields = ["UsageType"] },
        ];

        public override AcsFunctions.Dispatch.IRecordHandler Handler { get; } = new FixedHandler(AcsFunctions.Dispatch.Categories.Usage, "UsageLike");

        public override IReadOnlyList<string> SampleFiles => ["usage.json"];
    }

    private sealed class FixedHandler(params string[] categories) : AcsFunctions.Dispatch.IRecordHandler
    {
        public IReadOnlyCollection<string> Categories { get; } = categories;

        public AcsFunctions.Dispatch.HandlerOutcome Handle(AcsFunctions.Dispatch.RecordContext context) =>
            new AcsFunctions.Dispatch.EnrichedRecord { Placement = AcsFunctions.Dispatch.RecordPlacement.Window, Columns = new() };
    }
}
