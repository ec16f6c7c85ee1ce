using Azure.Core;

namespace AcsFunctions.Reconcile;

/// <summary>
/// Options of <see cref="AzureMonitorMetricsClient"/>: the Azure.Core <see cref="ClientOptions"/> (retries with
/// Retry-After, logging, transport) plus the endpoint and API version.
/// </summary>
public sealed class PlatformMetricsClientOptions : ClientOptions
{
    /// <summary>Azure Resource Manager in the public cloud.</summary>
    public static readonly Uri PublicCloud = new("https://management.azure.com/");

    /// <summary>Creates options with retries suited to ARM throttling (5 retries, exponential from 1 s, Retry-After honoured).</summary>
    public PlatformMetricsClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        Diagnostics.ApplicationId = "acs-diag";
    }

    /// <value>Default <see cref="PublicCloud"/>. The metrics API base URL (ARM endpoint of the cloud, or a local test server).</value>
    public Uri Endpoint { get; set; } = PublicCloud;

    /// <value>Default <c>2023-10-01</c>.</value>
    public string ApiVersion { get; set; } = "2023-10-01";

    /// <value>Default 1000. Most time series per metric and page (the API's <c>top</c>; its default of 10 would truncate).</value>
    public int Top { get; set; } = 1000;

    /// <summary>The token scope for <see cref="Endpoint"/> (<c>https://management.azure.com/.default</c>).</summary>
    public string Scope => new Uri(Endpoint, "/.default").ToString();
}
