namespace AcsFunctions.Azurite;

/// <summary>How to start Azurite.</summary>
public sealed record AzuriteOptions
{
    /// <summary>Folder to persist data in; null keeps everything in memory (the default).</summary>
    public string? Location { get; init; }

    /// <summary>Fixed blob port; 0 picks a free loopback port.</summary>
    public int BlobPort { get; init; }

    /// <summary>Fixed queue port; 0 picks a free loopback port.</summary>
    public int QueuePort { get; init; }

    /// <summary>Fixed table port; 0 picks a free loopback port.</summary>
    public int TablePort { get; init; }

    /// <summary>
    /// Node's old-space heap in MiB (<c>--max-old-space-size</c>); null leaves node's default (or <c>NODE_OPTIONS</c>).
    /// In-memory Azurite holding a million entities needs several GiB.
    /// </summary>
    public int? NodeHeapMegabytes { get; init; }

    /// <summary>
    /// Where to say that Azurite is being installed (<c>npm ci</c>, which can take a minute); null writes to standard
    /// error.
    /// </summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Accept every storage API version (<c>--skipApiVersionCheck</c>, the default); false starts Azurite as
    /// <c>npx azurite</c> does, refusing versions newer than it knows.
    /// </summary>
    public bool SkipApiVersionCheck { get; init; } = true;

    /// <summary>How long to wait for Azurite to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
