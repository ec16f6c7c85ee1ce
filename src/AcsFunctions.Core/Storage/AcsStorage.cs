using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Storage;

/// <summary>
/// The storage account as the app sees it: one <see cref="TableServiceClient"/> and one
/// <see cref="BlobServiceClient"/> (singletons), table clients per logical table, created once.
/// </summary>
public class AcsStorage
{
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _created = new(StringComparer.Ordinal);
    private readonly string _prefix;

    /// <summary>Creates the storage facade; transactions go through the SDK's table clients.</summary>
    public AcsStorage(TableServiceClient tableService, BlobServiceClient? blobService, IOptions<StorageOptions> options)
        : this(tableService, blobService, options, null)
    {
    }

    /// <summary>
    /// Creates the storage facade; transactions go through <paramref name="transactions"/> (the app's own request body)
    /// when given, else through the SDK's table clients.
    /// </summary>
    public AcsStorage(TableServiceClient tableService, BlobServiceClient? blobService, IOptions<StorageOptions> options, TransactionSender? transactions)
    {
        ArgumentNullException.ThrowIfNull(options);
        TableService = tableService;
        BlobService = blobService;
        Options = options.Value;
        Transactions = transactions;
        _prefix = Options.TablePrefix;
    }

    /// <summary>The table service client.</summary>
    public TableServiceClient TableService { get; }

    /// <summary>The blob service client (for oversized payloads), when configured.</summary>
    public BlobServiceClient? BlobService { get; }

    /// <summary>The sender of entity-group transactions, when the app writes their bodies itself (<see cref="StorageOptions.DirectTransactions"/>).</summary>
    public TransactionSender? Transactions { get; }

    /// <summary>The options in force.</summary>
    public StorageOptions Options { get; }

    /// <summary>The physical name of a logical table.</summary>
    public string PhysicalName(string logicalTable) => _prefix + logicalTable;

    /// <summary>The client of a logical table (see <see cref="TableNames"/>).</summary>
    public virtual TableClient GetTable(string logicalTable) =>
        _tables.GetOrAdd(logicalTable, static (name, self) => self.TableService.GetTableClient(self.PhysicalName(name)), this);

    /// <summary>
    /// Submits one entity-group transaction on a logical table: through <see cref="Transactions"/> when there is one
    /// and it writes every value of the actions, else through the table's SDK client. Applied entirely or not at all.
    /// The entities are the transaction's from here on: on the SDK's path their <see cref="Utf8Text"/> values are
    /// replaced by their strings.
    /// </summary>
    /// <exception cref="Azure.RequestFailedException">The service refused the transaction.</exception>
    public virtual async Task SubmitTransactionAsync(string logicalTable, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        if (Transactions is { } direct && await direct.TrySubmitAsync(PhysicalName(logicalTable), actions, cancellationToken))
        {
            return;
        }

        Utf8Text.ToStrings(actions); // the SDK writes strings, not the UTF-8 the app's writer keeps
        await GetTable(logicalTable).SubmitTransactionAsync(actions, cancellationToken);
    }

    /// <summary>Creates the table once per process (idempotent; cheap after the first call; retried after a failure).</summary>
    public virtual async Task EnsureTableAsync(string logicalTable, CancellationToken cancellationToken = default)
    {
        var task = _created.GetOrAdd(logicalTable, name => GetTable(name).CreateIfNotExistsAsync(CancellationToken.None));
        try
        {
            await task.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _created.TryRemove(KeyValuePair.Create(logicalTable, task));
            throw;
        }
    }
}
