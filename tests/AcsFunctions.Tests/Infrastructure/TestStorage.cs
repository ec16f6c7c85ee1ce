using AcsFunctions.Hosting;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>
/// The real core services against Azurite, isolated by a unique table prefix (and blob container), with a
/// fake clock. Build one per test.
/// </summary>
public sealed class TestStorage : IAsyncDisposable
{
    private TestStorage(ServiceProvider services, string prefix, FakeTimeProvider time)
    {
        Services = services;
        Prefix = prefix;
        Time = time;
    }

    /// <summary>The privacy key every test storage uses unless a test overrides AcsFunctions:Privacy:HashKey.</summary>
    public const string TestKey = "test-privacy-key-0123456789abcdef";

    public ServiceProvider Services { get; }

    public string Prefix { get; }

    public FakeTimeProvider Time { get; }

    public IngestPipeline Pipeline => Services.GetRequiredService<IngestPipeline>();

    public AcsStorage Storage => Services.GetRequiredService<AcsStorage>();

    public static TestStorage Create(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var values = new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:ConnectionString"] = connectionString,
            ["AcsFunctions:Storage:TablePrefix"] = prefix,
            ["AcsFunctions:Storage:PayloadContainer"] = prefix.ToLowerInvariant(),
            ["AcsFunctions:Storage:RetryBaseDelay"] = "00:00:00.010",
            ["AcsFunctions:Privacy:HashKey"] = TestKey,
        };
        if (settings is not null)
        {
            foreach (var (k, v) in settings)
            {
                values[k] = v;
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        services.AddAcsFunctionsCore(configuration);
        configure?.Invoke(services);
        return new TestStorage(services.BuildServiceProvider(), prefix, time);
    }

    public TableClient Table(string logicalTable) => Storage.GetTable(logicalTable);

    /// <summary>Every entity of a logical table (empty when the table does not exist).</summary>
    public async Task<List<TableEntity>> AllAsync(string logicalTable)
    {
        var list = new List<TableEntity>();
        try
        {
            await foreach (var e in Table(logicalTable).QueryAsync<TableEntity>())
            {
                list.Add(e);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return list;
    }

    /// <summary>Every table of this test (physical names starting with the prefix).</summary>
    public async Task<List<string>> TablesAsync()
    {
        var names = new List<string>();
        await foreach (var t in Storage.TableService.QueryAsync())
        {
            if (t.Name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                names.Add(t.Name[Prefix.Length..]);
            }
        }

        return names;
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
