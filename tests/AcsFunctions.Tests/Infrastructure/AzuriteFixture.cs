using AcsFunctions.Azurite;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>One in-memory Azurite for the whole test run (tests isolate themselves with a unique table prefix).</summary>
public sealed class AzuriteFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private AzuriteHost? _host;

    public AzuriteHost Host => _host ?? throw new InvalidOperationException("Azurite is not running.");

    public string ConnectionString => Host.ConnectionString;

    /// <summary>
    /// Starts Azurite; when it is not installed yet, the host runs <c>npm ci</c> first and says so on standard error
    /// and as an xunit diagnostic message (shown with <c>diagnosticMessages</c> on), and fails with a clear message
    /// when npm cannot install it.
    /// </summary>
    public async Task InitializeAsync() => _host = await AzuriteHost.StartAsync(new AzuriteOptions { Log = Say });

    private void Say(string message)
    {
        Console.Error.WriteLine(message);
        diagnostics.OnMessage(new DiagnosticMessage(message));
    }

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
