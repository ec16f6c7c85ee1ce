using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// Roll-up marks: ingest upserts one row per record partition it touched (a minute window of one category,
/// or one call); the roll-up recomputes exactly those and deletes a mark only if its ETag is unchanged —
/// i.e. nothing re-marked it meanwhile.
/// </summary>
public static class RollupMarks
{
    /// <summary>Mark kind: a windowed partition of the records table.</summary>
    public const string WindowKind = "window";

    /// <summary>Mark kind: a call partition of the call-records table.</summary>
    public const string CallKind = "call";

    /// <summary>Builds the mark row for a record partition.</summary>
    public static TableEntity Create(string kind, string recordPartitionKey, string resourceKey, string category, DateTimeOffset window, DateTimeOffset now) =>
        new(kind, recordPartitionKey)
        {
            ["ResourceKey"] = resourceKey,
            ["Category"] = category,
            ["Window"] = window,
            ["MarkedAt"] = now,
            ["Token"] = Guid.NewGuid(),
        };
}
