using static AcsFunctions.Tests.Architecture.StorageLayeringTests;

namespace AcsFunctions.Tests.Architecture;

/// <summary>
/// The layering of AcsFunctions.Core between roll-ups, queries and storage (docs/architecture.md, "Layering"), checked
/// on the compiled code with the scanner of <see cref="StorageLayeringTests"/> (signatures, locals and every type,
/// method and field the IL names), so a fully qualified call cannot hide a dependency.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void Queries_depend_on_rollups_and_rollups_never_on_queries()
    {
        // Queries read what the roll-up writes (AddQueries adds the roll-up); the roll-up, its registration included,
        // knows nothing of queries.
        Assert.NotEmpty(Edges("AcsFunctions.Queries", "AcsFunctions.Rollups"));
        Assert.Empty(Edges("AcsFunctions.Rollups", "AcsFunctions.Queries"));
    }

    [Fact]
    public void Storage_depends_on_neither_rollups_nor_queries()
    {
        // Shared table reads (TableReads, ReadCost) live in Storage and are used by roll-ups, queries, health and drift.
        Assert.Contains(Edges("AcsFunctions.Rollups", "AcsFunctions.Storage"), e => e.EndsWith(".TableReads", StringComparison.Ordinal));
        Assert.Contains(Edges("AcsFunctions.Health", "AcsFunctions.Storage"), e => e.EndsWith(".TableReads", StringComparison.Ordinal));
        Assert.Empty(Edges("AcsFunctions.Storage", "AcsFunctions.Rollups"));
        Assert.Empty(Edges("AcsFunctions.Storage", "AcsFunctions.Queries"));
    }

    [Fact]
    public void Core_holds_no_tooling_namespace()
    {
        Assert.NotEmpty(TypesIn("AcsFunctions.Rollups"));
        Assert.Empty(TypesIn("AcsFunctions.Generation"));
        Assert.Empty(TypesIn("AcsFunctions.Benchmarks"));
    }

    /// <summary>"<c>Type -> Referenced</c>" for every type in <paramref name="from"/> naming a type in <paramref name="to"/>.</summary>
    private static List<string> Edges(string from, string to) =>
        [.. TypesIn(from)
            .SelectMany(t => References(t).Where(r => InNamespace(r, to)).Select(r => $"{t.FullName} -> {r.FullName}"))
            .Distinct(StringComparer.Ordinal)];
}
