using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// The reliability suite runs alone (not in parallel with other collections), so the process-wide allocation and
/// working-set deltas it measures belong to the input under attack. It has its own Azurite from the shared fixture.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Reliability";
}
