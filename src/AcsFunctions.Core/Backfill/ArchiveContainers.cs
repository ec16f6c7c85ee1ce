namespace AcsFunctions.Backfill;

/// <summary>The archive's container naming: one container per category, <c>insights-logs-&lt;category lowercased&gt;</c>.</summary>
public static class ArchiveContainers
{
    /// <summary>Prefix of every diagnostic-log archive container.</summary>
    public const string Prefix = "insights-logs-";

    /// <summary>The container of a category, e.g. <c>ChatOperational</c> → <c>insights-logs-chatoperational</c>.</summary>
    public static string For(string category) => Prefix + category.Trim().ToLowerInvariant();

    /// <summary>The (lower-cased) category of an archive container, or null for any other container.</summary>
    public static string? CategoryOf(string container) =>
        container.StartsWith(Prefix, StringComparison.Ordinal) && container.Length > Prefix.Length ? container[Prefix.Length..] : null;
}
