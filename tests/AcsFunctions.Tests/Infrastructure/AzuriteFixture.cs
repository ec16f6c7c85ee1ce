using AcsFunctions.Azurite;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>One in-memory Azurite for the whole test run (tests isolate themselves with a unique table prefix).</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteHost? _host;

    public AzuriteHost Host => _host ?? throw new InvalidOperationException("Azurite is not running.");

    public string ConnectionString => Host.ConnectionString;

    public async Task InitializeAsync() => _host = await AzuriteHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
