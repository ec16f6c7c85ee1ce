using AcsFunctions.Storage;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Storage;

/// <summary>Azurite accepts batches the real service rejects, so the rules are enforced (and tested) in our code.</summary>
public sealed class TableBatchTests
{
    [Fact]
    public void Create_MixedPartitionKeys_Throws()
    {
        var entities = new List<TableEntity> { new("pk-a", "1"), new("pk-a", "2"), new("pk-b", "3") };

        var ex = Assert.Throws<ArgumentException>(() => TableBatch.Create("Records", entities));

        Assert.Contains("one PartitionKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_101Actions_Throws_100Accepted()
    {
        var hundred = Rows("pk", 100);

        Assert.Equal(100, TableBatch.Create("Records", hundred).Entities.Count);
        var ex = Assert.Throws<ArgumentException>(() => TableBatch.Create("Records", Rows("pk", 101)));
        Assert.Contains("at most 100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_EmptyDuplicateRowKeyOrOversized_Throws()
    {
        var big = new string('x', 30_000);
        var oversized = Enumerable.Range(0, 80).Select(i => new TableEntity("pk", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["A"] = big, ["B"] = big }).ToList();

        Assert.Throws<ArgumentException>(() => TableBatch.Create("Records", []));
        Assert.Throws<ArgumentException>(() => TableBatch.Create("Records", [new TableEntity("pk", "1"), new TableEntity("pk", "1")]));
        Assert.Throws<ArgumentException>(() => TableBatch.Create("Records", oversized));
    }

    [Fact]
    public void TableBatch_HasNoPublicConstructor_OnlyValidatingFactories()
    {
        Assert.Empty(typeof(TableBatch).GetConstructors());
    }

    [Fact]
    public void Plan_ManyPartitionsAndRows_EveryBatchValid_EveryRowOnce()
    {
        var entities = Rows("pk-a", 250).Concat(Rows("pk-b", 101)).Concat(Rows("pk-c", 1)).ToList();
        entities.Add(new TableEntity("pk-a", "7") { ["Later"] = true }); // a re-write of a row in the same call: last wins

        var batches = TableBatch.Plan("Records", entities).ToList();

        Assert.All(batches, b =>
        {
            Assert.InRange(b.Entities.Count, 1, 100);
            Assert.All(b.Entities, e => Assert.Equal(b.PartitionKey, e.PartitionKey));
            Assert.True(b.Bytes < EntityLimits.MaxBatchBytes);
        });
        Assert.Equal(352, batches.Sum(b => b.Entities.Count));
        Assert.Equal(352, batches.SelectMany(b => b.Entities).Select(e => e.PartitionKey + "|" + e.RowKey).Distinct().Count());
        Assert.Equal([3, 2, 1], new[] { "pk-a", "pk-b", "pk-c" }.Select(pk => batches.Count(b => b.PartitionKey == pk)));
        Assert.True(batches.SelectMany(b => b.Entities).Single(e => e.PartitionKey == "pk-a" && e.RowKey == "7").ContainsKey("Later"));
    }

    [Fact]
    public void Plan_LargeEntities_SplitBySize()
    {
        var big = new string('x', 30_000);
        var entities = Enumerable.Range(0, 90).Select(i => new TableEntity("pk", i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)) { ["A"] = big, ["B"] = big }).ToList();

        var batches = TableBatch.Plan("Records", entities).ToList();

        Assert.True(batches.Count >= 2);
        Assert.All(batches, b => Assert.True(b.Bytes < EntityLimits.MaxBatchBytes));
        Assert.Equal(90, batches.Sum(b => b.Entities.Count));
    }

    private static List<TableEntity> Rows(string partitionKey, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TableEntity(partitionKey, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
}
