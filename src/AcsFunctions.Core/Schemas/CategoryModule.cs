using AcsFunctions.Dispatch;
using AcsFunctions.Rollups;

namespace AcsFunctions.Schemas;

/// <summary>
/// Everything one schema folder says about the categories it owns: the categories (with their documented fields,
/// enriched columns and personal-field rules), the handler that enriches them, the aggregators that roll them up,
/// the query kinds that read those aggregates, the sample that exercises them and the columns the demo summarises.
/// A module is registered with one line (<see cref="CategoryModuleRegistration.AddCategory"/>); every consumer
/// (dispatch, privacy, drift, roll-up, queries, the demo) reads it from there, so adding a category touches only
/// its folder and that line. See docs/architecture.md, "Add a category".
/// </summary>
public abstract class CategoryModule
{
    /// <summary>The categories this module claims, each with its declarations. A category claimed twice fails at start-up.</summary>
    public abstract IReadOnlyList<CategorySpec> Categories { get; }

    /// <summary>The handler of every category in <see cref="Categories"/> (its <see cref="IRecordHandler.Categories"/> must name exactly them).</summary>
    public abstract IRecordHandler Handler { get; }

    /// <summary>The window aggregators that roll the categories up (none when the category is stored only).</summary>
    public virtual IReadOnlyList<IWindowAggregator> Aggregators => [];

    /// <summary>The <see cref="Queries.IQueryKind"/> types that read this module's aggregates (registered as singletons; a kind shared by several modules is registered once).</summary>
    public virtual IReadOnlyList<Type> QueryKinds => [];

    /// <summary>
    /// The sample bodies (files of the repository's <c>samples/</c> folder, e.g. <c>email.json</c>) that, with
    /// <see cref="SampleJson"/>, hold records of every category of the module (the conformance test runs them).
    /// </summary>
    public virtual IReadOnlyList<string> SampleFiles => [];

    /// <summary>A sample body written inline (a <c>{"records":[…]}</c> JSON text), for categories no sample file has.</summary>
    public virtual string? SampleJson => null;

    /// <summary>The enriched columns the demo summarises (value distribution per category), in display order.</summary>
    public virtual IReadOnlyList<string> SummaryColumns => [];
}

/// <summary>One category as its module declares it.</summary>
public sealed class CategorySpec
{
    /// <summary>The canonical category name (as in the diagnostic setting).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The fields the data contract documents for the category (wire or Log Analytics spelling, matched
    /// case-insensitively at the top level or inside <c>properties</c>); the envelope fields
    /// (<see cref="Drift.DocumentedFields.Envelope"/>) are documented for every category. A documented field seen for the
    /// first time is not schema drift.
    /// </summary>
    public IReadOnlyCollection<string> DocumentedFields { get; init; } = [];

    /// <summary>The enriched columns the handler adds to the records of the module's sample (checked by the conformance test).</summary>
    public IReadOnlyCollection<string> EnrichedColumns { get; init; } = [];

    /// <summary>
    /// Category-specific personal-field rules (on top of <see cref="Privacy.PersonalFields.Common"/>). A declared
    /// category's other fields are kept as they are; an undeclared category gets the unknown-category scrub.
    /// </summary>
    public IReadOnlyDictionary<string, Privacy.FieldRule> PersonalFields { get; init; } = new Dictionary<string, Privacy.FieldRule>();
}
