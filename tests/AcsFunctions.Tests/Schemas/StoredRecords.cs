using System.Text.Json;
using System.Text.Json.Nodes;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Schemas;

/// <summary>Builds inline ACS records and reads back what the pipeline stored for them.</summary>
public static class StoredRecords
{
    public const string ResourceId =
        "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG-ACS/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-HANDLER-TESTS";

    /// <summary>One record in the diagnostic-settings shape (envelope at the top, fields in <c>properties</c>).</summary>
    public static JsonObject Record(string category, string operationName, object properties, string? correlationId = null, string time = "2026-11-20T10:15:30Z")
    {
        var record = new JsonObject
        {
            ["time"] = time,
            ["resourceId"] = ResourceId,
            ["category"] = category,
            ["operationName"] = operationName,
            ["properties"] = JsonSerializer.SerializeToNode(properties),
        };
        if (correlationId is not null)
        {
            record["correlationId"] = correlationId;
        }

        return record;
    }

    /// <summary>A <c>{"records":[..]}</c> body of the given records.</summary>
    public static Decoding.EventBody Body(params JsonObject[] records) =>
        Samples.Text(new JsonObject { ["records"] = new JsonArray([.. records]) }.ToJsonString());

    /// <summary>Every stored row (window table and call table) of a category.</summary>
    public static async Task<List<TableEntity>> OfCategoryAsync(TestStorage storage, string category)
    {
        var rows = new List<TableEntity>();
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords })
        {
            rows.AddRange((await storage.AllAsync(table)).Where(e => e.GetString("Category") == category));
        }

        return rows;
    }

    /// <summary>The single stored row of a category.</summary>
    public static async Task<TableEntity> SingleAsync(TestStorage storage, string category) =>
        Assert.Single(await OfCategoryAsync(storage, category));
}
