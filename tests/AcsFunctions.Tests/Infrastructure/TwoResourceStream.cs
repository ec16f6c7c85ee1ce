using AcsFunctions.Generation;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>A synthetic stream of two ACS resources (<c>{prefix}-ONE</c>, <c>{prefix}-TWO</c>), ingested and rolled up.</summary>
internal static class TwoResourceStream
{
    /// <summary>Ingests 10 minutes from <paramref name="start"/> per resource (seeds <paramref name="seed"/> and the next) and rolls them up.</summary>
    public static async Task IngestAndRollUpAsync(TestStorage storage, string prefix, long seed, DateTimeOffset start, int calls, int apiRequests, int emails)
    {
        foreach (var (resource, resourceSeed) in new[] { (prefix + "-ONE", seed), (prefix + "-TWO", seed + 1) })
        {
            var stream = SyntheticStream.Create(new GeneratorOptions { Calls = calls, ApiRequests = apiRequests, Emails = emails, Minutes = 10, Seed = resourceSeed, Start = start, ResourceName = resource });
            foreach (var chunk in stream.Bodies().Chunk(40))
            {
                await storage.Pipeline.IngestAsync(chunk.Select(b => b.ToEventBody()).ToList());
            }
        }

        await Rollups.RollupTestData.RollupAsync(storage);
    }
}
