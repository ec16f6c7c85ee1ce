using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using AcsFunctions.Backfill;
using AcsFunctions.Drift;
using AcsFunctions.Functions;
using AcsFunctions.Health;
using AcsFunctions.Ingestion;
using AcsFunctions.Privacy;
using AcsFunctions.Queries;
using AcsFunctions.Reconcile;
using AcsFunctions.Rollups;
using AcsFunctions.Schemas;
using AcsFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Hosting;

/// <summary>
/// The one registration used by every host (the Functions app, the CLI, <c>acs-diag serve</c>): options bound
/// from configuration and validated at start-up, the storage clients as singletons, handlers, pipeline.
/// </summary>
public static class AcsFunctionsServiceCollectionExtensions
{
    /// <summary>Registers the core services.</summary>
    public static IServiceCollection AddAcsFunctionsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(sp => new StorageCredential(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton(sp => CreateTableService(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<StorageCredential>(), Attempts(sp), sp.GetService<StorageReachability>()));
        // The app's own transaction sender, a singleton of its own so a host or test that replaces the table client
        // (another transport, more policies) replaces it too; none (null) when DirectTransactions is off or the
        // credentials are a shared access signature.
        services.TryAddSingleton(sp => CreateTransactionSender(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<StorageCredential>(), Attempts(sp), sp.GetService<StorageReachability>())!);
        services.TryAddSingleton(sp => new AcsStorage(
            sp.GetRequiredService<TableServiceClient>(),
            CreateBlobService(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<StorageCredential>(), Attempts(sp), sp.GetService<StorageReachability>()),
            sp.GetRequiredService<IOptions<StorageOptions>>(),
            sp.GetService<TransactionSender>()));
        services.TryAddSingleton<TableWriter>();
        services.TryAddSingleton<PayloadStore>();
        services.AddPrivacy(configuration);
        services.AddSchemaDrift(configuration);
        services.AddHealth(configuration);
        services.AddSchemaHandlers();
        services.AddOptions<IngestOptions>()
            .Bind(configuration.GetSection(IngestOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IngestPipeline>();
        services.TryAddSingleton<Migrations.RecordIdMigration>();
        services.AddBackfill();
        services.AddReconcile(configuration);
        services.AddRollups(configuration);
        services.AddQueries(configuration);
        services.AddFunctionHosts();
        return services;
    }

    private static StorageAttemptPolicy Attempts(IServiceProvider services) =>
        new(
            services.GetService<ILoggerFactory>()?.CreateLogger("AcsFunctions.Storage") ?? NullLogger.Instance,
            services.GetRequiredService<IOptions<StorageOptions>>().Value);

    private static TableServiceClient CreateTableService(StorageOptions options, StorageCredential credential, StorageAttemptPolicy attempts, StorageReachability? reachability)
    {
        var clientOptions = StorageClientOptions.Bound(new TableClientOptions(), options, attempts, reachability);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new TableServiceClient(options.ConnectionString, clientOptions);
        }

        return new TableServiceClient(
            options.TableServiceUri ?? throw new OptionsValidationException(nameof(StorageOptions), typeof(StorageOptions), ["AcsFunctions:Storage:TableServiceUri is not set."]),
            credential.Value,
            clientOptions);
    }

    /// <summary>The app's own transaction sender (<see cref="StorageOptions.DirectTransactions"/>), with the table client's bounds and credential.</summary>
    private static TransactionSender? CreateTransactionSender(StorageOptions options, TableServiceClient tableService, StorageCredential credential, StorageAttemptPolicy attempts, StorageReachability? reachability)
    {
        if (!options.DirectTransactions)
        {
            return null;
        }

        var clientOptions = StorageClientOptions.Bound(new TableClientOptions(), options, attempts, reachability);
        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? TransactionSender.ForToken(credential.Value, tableService.Uri, clientOptions)
            : TransactionSender.ForConnectionString(options.ConnectionString, tableService.Uri, clientOptions);
    }

    private static BlobServiceClient? CreateBlobService(StorageOptions options, StorageCredential credential, StorageAttemptPolicy attempts, StorageReachability? reachability)
    {
        var clientOptions = StorageClientOptions.Bound(StorageClientOptions.NewBlobOptions(), options, attempts, reachability);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString, clientOptions);
        }

        return options.BlobServiceUri is { } uri ? new BlobServiceClient(uri, credential.Value, clientOptions) : null;
    }

    /// <summary>
    /// The one credential of identity-based access, shared by the table client, the blob client and the transaction
    /// sender (one token cache); made on first use, so a connection string never creates it.
    /// </summary>
    private sealed class StorageCredential(StorageOptions options)
    {
        private readonly Lazy<TokenCredential> _value = new(() =>
            string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)));

        public TokenCredential Value => _value.Value;
    }
}
