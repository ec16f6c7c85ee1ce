using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Storage;

/// <summary>
/// Where and how records are stored. Bound from the <c>AcsFunctions:Storage</c> configuration section
/// (environment variables <c>AcsFunctions__Storage__…</c>).
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Storage";

    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c>). Either this or <see cref="TableServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table endpoint for identity-based access, e.g. <c>https://acct.table.core.windows.net</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Blob endpoint for identity-based access (oversized payloads), e.g. <c>https://acct.blob.core.windows.net</c>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <value>Default <c>Acs</c>. Prefix of every table name, so several deployments (or test runs) can share an account.</value>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,29}$")]
    public string TablePrefix { get; set; } = "Acs";

    /// <value>Default <c>acs-payloads</c>. Blob container for payloads too large for a table entity.</value>
    [RegularExpression("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")]
    public string PayloadContainer { get; set; } = "acs-payloads";

    /// <value>Default 4. Transactions submitted in parallel (across partitions).</value>
    [Range(1, 64)]
    public int MaxParallelBatches { get; set; } = 4;

    /// <value>
    /// Default true. Entity-group transactions are written by the app (the same request the Tables SDK sends, without
    /// its ~35 µs and ~30 KB per entity) and signed with the account key or the managed identity's token. False sends
    /// them through the SDK's <c>TableClient.SubmitTransactionAsync</c>, as before. A connection string with a shared
    /// access signature instead of an account key always uses the SDK.
    /// </value>
    public bool DirectTransactions { get; set; } = true;

    /// <value>Default 6. Attempts per transaction on transient errors before the batch call fails.</value>
    [Range(1, 100)]
    public int MaxWriteAttempts { get; set; } = 6;

    /// <value>Default 0.5 s. First retry delay; doubles each attempt (with jitter).</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <value>
    /// Default 30 s. How long one storage request may go unanswered before the attempt is abandoned (the Azure SDK's
    /// <c>Retry.NetworkTimeout</c>). With <see cref="MaxRetries"/> and <see cref="RetryMaxDelay"/> it bounds the wait
    /// on storage that accepts connections but never answers:
    /// <c>(MaxRetries + 1) × NetworkTimeout + MaxRetries × RetryMaxDelay</c> (defaults: about 1.7 minutes) before the
    /// call reports storage unavailable (CLI exit code 3, HTTP 503).
    /// </value>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <value>Default 2. Retries of one storage request by the Azure SDK (timeouts, 408/429/5xx, network errors).</value>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <value>Default 10 s. Longest pause between two of the SDK's retries (exponential from 0.8 s).</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && TableServiceUri is null)
        {
            yield return new ValidationResult(
                "No storage configured: set AcsFunctions:Storage:ConnectionString (env AcsFunctions__Storage__ConnectionString) " +
                "or AcsFunctions:Storage:TableServiceUri (env AcsFunctions__Storage__TableServiceUri) for identity-based access.",
                [nameof(ConnectionString), nameof(TableServiceUri)]);
        }
    }
}
