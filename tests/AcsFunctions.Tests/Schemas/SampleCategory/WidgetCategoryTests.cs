using AcsFunctions.Rollups;
using AcsFunctions.Schemas;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Schemas.SampleCategory;

/// <summary>
/// A category added from the test project alone (its module and one registration line, no product file touched) is
/// stored, enriched, privacy-declared and rolled up like the built-in ones.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WidgetCategoryTests(AzuriteFixture azurite)
{
    [Fact]
    public void WidgetModule_PassesTheConformanceChecks()
    {
        var problems = CategoryConformance.Check(new WidgetModule(), [.. SchemaHandlerRegistration.BuiltIn, new WidgetModule()]);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task RegisteredFromTheTestProject_IsStoredEnrichedPrivacyDeclaredAndRolledUp()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, configure: s => s.AddCategory(new WidgetModule()));

        var result = await storage.Pipeline.IngestAsync(CategoryConformance.Samples(new WidgetModule()));
        var rollup = await storage.Services.GetRequiredService<RollupService>().RunAsync();

        // Stored as a handled category (not unclassified), every record accounted for.
        Assert.True(result.Reconciles);
        Assert.Equal(0, result.Unclassified);
        Assert.Equal(3, result.ByCategory[WidgetModule.Category]);
        var rows = (await StoredRecords.OfCategoryAsync(storage, WidgetModule.Category)).OrderBy(r => r.GetDateTimeOffset("EventTime")).ToList();
        Assert.Equal(3, rows.Count);

        // Enriched by its own handler.
        Assert.Equal(["GEAR", "GEAR", "SPRING"], rows.Select(r => r.GetString("WidgetKind")));
        Assert.Equal([false, true, false], rows.Select(r => r.GetBoolean("Large") ?? throw new InvalidOperationException("Large missing")));

        // Privacy-declared: its personal field is hashed (the same owner → the same token), an undeclared field is kept
        // as it is (an unknown category would have had its e-mail address scrubbed).
        var owners = rows.Select(r => r.GetString("OwnerId")!).ToList();
        Assert.DoesNotContain(owners, o => o.Contains("owner", StringComparison.Ordinal));
        Assert.Equal(owners[0], owners[2]);
        Assert.NotEqual(owners[0], owners[1]);
        Assert.Equal("ask ops@example.com", rows[0].GetString("Note"));

        // Rolled up by its aggregate into its own table.
        Assert.True(rollup.Windows > 0);
        var aggregates = (await storage.AllAsync(WidgetModule.Table)).Where(e => e.PartitionKey == AcsFunctions.Storage.Windows.Key(rows[0].GetDateTimeOffset("EventTime")!.Value)).ToList();
        Assert.Equal(
            [("GEAR", 2L, 43.0), ("SPRING", 1L, 1.0)],
            aggregates.Select(a => (a.GetString("WidgetKind"), a.GetInt64("Count") ?? 0, a.GetDouble("Quantity") ?? 0)).Order().ToList());
    }

    [Fact]
    public async Task WithoutItsRegistrationLine_TheSameRecordsAreUnclassifiedAndNotRolledUp()
    {
        // The control: the module is what makes the difference.
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        var result = await storage.Pipeline.IngestAsync(CategoryConformance.Samples(new WidgetModule()));
        await storage.Services.GetRequiredService<RollupService>().RunAsync();

        Assert.Equal(3, result.Unclassified);
        var rows = await StoredRecords.OfCategoryAsync(storage, WidgetModule.Category);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.False(r.ContainsKey("WidgetKind")));
        Assert.DoesNotContain(WidgetModule.Table, await storage.TablesAsync());
    }
}
