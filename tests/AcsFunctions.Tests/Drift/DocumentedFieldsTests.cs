using System.Text.Json.Nodes;
using AcsFunctions.Decoding;
using AcsFunctions.Drift;
using AcsFunctions.Generation;
using AcsFunctions.Schemas;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Drift;

/// <summary>Drift reports fields the category's schema folder does not document; a documented optional field seen late is information.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DocumentedFieldsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DocumentedOptionalField_FirstSeenLater_IsInformationNotDrift_UndocumentedFieldIsDrift()
    {
        var logs = new CapturedLogs();
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings(), s => s
            .AddSingleton<ILoggerProvider>(logs)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Information)));
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Room(new JsonObject { ["RoomId"] = "r1" }))]);

        // RemovedRoomParticipantsCount is documented for RoomsOperational (acs-data-contract §3.20); NotInTheContract is not.
        await storage.Pipeline.IngestAsync([StoredRecords.Body(
            Room(new JsonObject { ["RoomId"] = "r2", ["RemovedRoomParticipantsCount"] = 2 }),
            Room(new JsonObject { ["RoomId"] = "r3", ["NotInTheContract"] = "x" }))]);

        var store = storage.Services.GetRequiredService<SchemaStore>();
        var drift = await store.DriftAsync("RoomsOperational");
        Assert.Equal(
            [(DriftChange.NewCategory, (string?)null), (DriftChange.NewField, "properties.NotInTheContract")],
            drift.Select(d => (d.Change, d.Field)).Order().ToList());
        var fields = await store.AllFieldsAsync("RoomsOperational");
        Assert.Contains(fields, f => f.GetString("Field") == "properties.RemovedRoomParticipantsCount"); // still in the inventory
        var info = Assert.Single(logs.Entries, e => e.Id.Id == 5105);
        Assert.Contains("RemovedRoomParticipantsCount", info.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, info.Level);
    }

    [Fact]
    public async Task GeneratedThreeDayStream_RaisesNoNewFieldDrift_WhereAnUndocumentedCatalogWould()
    {
        // Our own generator's optional fields (RemovedRoomParticipantsCount, pstnParticipantCallType, resultCategory, …)
        // first appear in later batches of a long, thin stream.
        var options = new GeneratorOptions { Calls = 40, ApiRequests = 1_500, Emails = 30, Minutes = 3 * 24 * 60, Seed = 7, MaxRecordsPerBody = 20 };
        var bodies = SyntheticStream.Create(options).Bodies().Select(b => new EventBody(b.Data, new Lineage { File = "generated-" + b.Index })).ToList();

        var documented = await NewFieldsAsync(bodies, undocumented: false);
        var undocumented = await NewFieldsAsync(bodies, undocumented: true);

        Assert.Empty(documented);
        // The same stream judged without the schema folders' documented fields raises new-field warnings, each for a
        // field its category's folder documents: the documentation is exactly what silences them.
        Assert.NotEmpty(undocumented);
        var catalog = new DocumentedFields(SchemaHandlerRegistration.BuiltIn.SelectMany(m => m.Categories).Select(c => new DocumentedCategory(c.Name, c.DocumentedFields)));
        Assert.All(undocumented, f => Assert.True(catalog.IsDocumented(f.Category, f.Field), $"{f.Category} {f.Field}"));
    }

    private async Task<List<(string Category, string Field)>> NewFieldsAsync(List<EventBody> bodies, bool undocumented)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings(), s =>
        {
            if (undocumented)
            {
                s.AddSingleton(new DocumentedFields([])); // registered last: replaces the modules' catalog
            }
        });
        foreach (var chunk in bodies.Chunk(10))
        {
            await storage.Pipeline.IngestAsync(chunk);
        }

        var drift = await storage.Services.GetRequiredService<SchemaStore>().DriftAsync(null);
        return [.. drift.Where(d => d.Change == DriftChange.NewField).Select(d => (d.Category, d.Field!))];
    }

    private static Dictionary<string, string?> Settings() => new() { ["AcsFunctions:Drift:StatsWriteInterval"] = "00:00:00" };

    private static JsonObject Room(JsonObject properties) =>
        StoredRecords.Record("RoomsOperational", "CreateRoom", properties, correlationId: Guid.NewGuid().ToString());
}
