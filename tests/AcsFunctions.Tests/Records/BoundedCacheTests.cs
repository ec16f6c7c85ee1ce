using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

public sealed class BoundedCacheTests
{
    [Fact]
    public void GetOrAdd_ComputesEachKeyOnce_UntilFull_ThenStartsOver()
    {
        var cache = new BoundedCache<string>(capacity: 3, maxKeyLength: 8);
        var computed = new List<string>();
        string Get(string key) => cache.GetOrAdd(key, computed, static (k, log) =>
        {
            log.Add(k);
            return k.ToUpperInvariant();
        });

        Assert.Equal("A", Get("a"));
        Assert.Equal("A", Get("a"));
        Get("b");
        Get("c");
        Get("d"); // full: emptied, then holds only "d"
        Get("a");
        Assert.Equal("LONG-KEY-X", Get("long-key-x")); // over the key limit: computed every time
        Get("long-key-x");

        Assert.Equal(["a", "b", "c", "d", "a", "long-key-x", "long-key-x"], computed);
    }
}
