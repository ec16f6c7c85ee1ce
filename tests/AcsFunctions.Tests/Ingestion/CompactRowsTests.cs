using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// Prepared rows are kept compact until written (<see cref="RowColumns"/>, issue 18) and made the SDK's entity when the
/// write reads them: every row must become exactly the entity it would have been built as at once, whichever chunk it
/// was kept in and in whatever order rows are made entities. The prepared rows of the seed samples and a generated
/// stream are pinned column by column by <see cref="PreparedRowsGoldenTests"/>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CompactRowsTests(AzuriteFixture azurite)
{
    [Fact]
    public void RowsKeptAcrossManyChunks_BecomeTheirOwnEntities_InAnyOrder()
    {
        var rows = new RowColumns();
        var kept = new List<(RowColumns.CompactRow Row, Dictionary<string, object> Expected)>();
        var texts = new[] { string.Empty, "{\"a\":1}", "naïve ☃ 😀 \"quoted\"", new string('x', 9_000), new string('é', 7_000) };
        for (var i = 0; i < 2_000; i++)
        {
            // Rows of different widths, with and without a payload text, so chunks fill unevenly and rows start new ones.
            var columns = new Dictionary<string, object>
            {
                ["PartitionKey"] = "pk" + (i % 7).ToString(CultureInfo.InvariantCulture),
                ["RowKey"] = "rk" + i.ToString(CultureInfo.InvariantCulture),
                ["When"] = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i),
                ["Count"] = (long)i,
            };
            for (var c = 0; c < i % 60; c++)
            {
                columns["C" + c.ToString(CultureInfo.InvariantCulture)] = c % 2 == 0 ? c * 1.5 : "v" + i.ToString(CultureInfo.InvariantCulture);
            }

            var text = texts[i % texts.Length];
            var expected = new Dictionary<string, object>(columns);
            if (i % 3 != 0)
            {
                columns[PayloadColumns.Raw] = RowColumns.DeferredText;
                expected[PayloadColumns.Raw] = text;
            }

            columns["After"] = true; // a column after the payload keeps its place
            expected["After"] = true;
            kept.Add((rows.Add((string)columns["PartitionKey"], (string)columns["RowKey"], columns, i % 3 != 0 ? Encoding.UTF8.GetBytes(text) : []), expected));
        }

        foreach (var (row, expected) in Enumerable.Reverse(kept).Concat(kept))
        {
            var entity = row.ToEntity();
            Assert.Equal(expected["PartitionKey"], entity.PartitionKey);
            Assert.Equal(row.RowKey, entity.RowKey);
            Assert.Equal(expected.Keys, entity.Keys.Where(k => k is not "odata.etag" and not "Timestamp"));
            foreach (var (name, value) in expected)
            {
                Assert.Equal(value, entity[name]);
            }
        }
    }

    [Fact]
    public async Task APreparedRow_IsOneEntity_UntilReleased_AndALongPayloadIsDecodedAtOnce()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var body = JsonNode.Parse(SyntheticStream.Create(new GeneratorOptions { Calls = 1, ApiRequests = 20, Minutes = 1, Seed = 3 })
            .Bodies().First().ToEventBody().Data.Span)!;
        var records = body["records"]!.AsArray();
        var (shortNote, longNote) = ("naïve ☃ übung", new string('é', RowColumns.MaxDeferredBytes)); // 2 bytes each: over the limit
        records[0]!["properties"]!["Note"] = shortNote;
        records[1]!["properties"]!["Note"] = longNote;

        var state = storage.Pipeline.Preparer.Prepare([new EventBody(Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })), Lineage.None)]).State;

        Assert.Equal(records.Count, state.Pending.Count);
        Assert.True(state.Pending[0].IsCompact, "a row is kept compact until written");
        Assert.False(state.Pending[1].IsCompact, "a payload over the limit is decoded at once");
        var first = state.Pending[0].Write;
        Assert.Same(first.Entity, state.Pending[0].Write.Entity);
        Assert.Contains(shortNote, first.Entity.GetString(PayloadColumns.Raw), StringComparison.Ordinal);
        Assert.Contains(longNote, state.Pending[1].Write.Entity.GetString(PayloadColumns.Raw), StringComparison.Ordinal);
        Assert.False(state.Pending[0].IsCompact);
        Assert.Equal(Encoding.UTF8.GetByteCount(first.Entity.GetString(PayloadColumns.Raw)), first.Entity.GetInt64(PayloadColumns.Length));

        state.Pending[0].Release();
        Assert.Equal(default(TableWrite), state.Pending[0].Write);
        Assert.NotNull(state.Pending[1].Write.Entity);
    }
}
