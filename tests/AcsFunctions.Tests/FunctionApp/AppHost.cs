using AcsFunctions.FunctionApp;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// The Functions app's real host, built by <see cref="FunctionAppHost"/> (what <c>Program</c> runs) with configuration
/// pointing at Azurite under a unique table prefix, plus a <see cref="TestStorage"/> on the same prefix to read the rows.
/// The host is built, not started: the worker's gRPC channel to a Functions host is the one part not exercised.
/// </summary>
internal sealed class AppHost : IAsyncDisposable
{
    private AppHost(IHost host, TestStorage storage)
    {
        Host = host;
        Storage = storage;
    }

    public IHost Host { get; }

    public TestStorage Storage { get; }

    public IServiceProvider Services => Host.Services;

    public static AppHost Build(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var prefix = "f" + Guid.NewGuid().ToString("N")[..12];
        var values = new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:ConnectionString"] = connectionString,
            ["AcsFunctions:Storage:TablePrefix"] = prefix,
            ["AcsFunctions:Storage:PayloadContainer"] = prefix,
            ["AcsFunctions:Storage:RetryBaseDelay"] = "00:00:00.010",
            ["AcsFunctions:Privacy:HashKey"] = TestStorage.TestKey,
            ["EventHubName"] = "acs-diagnostics",
            ["EventHubConsumerGroup"] = "acs-functions",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        var builder = FunctionAppHost.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(values);
        configure?.Invoke(builder.Services);
        var host = FunctionAppHost.Build(builder);
        return new AppHost(host, TestStorage.Create(connectionString, values));
    }

    public InvocationContext Invocation(string functionName, IReadOnlyDictionary<string, object?>? bindingData = null, CancellationToken cancellationToken = default) =>
        new(Services, functionName, bindingData, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await Storage.DisposeAsync();
    }
}
