using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// The Table service's limits, enforced in our code because Azurite does not enforce all of them
/// (it accepts &gt;252 properties, entities over 1 MiB and dates before 1601).
/// </summary>
public static class EntityLimits
{
    /// <summary>Custom properties per entity (255 minus PartitionKey, RowKey, Timestamp).</summary>
    public const int MaxProperties = 252;

    /// <summary>Longest property (column) name the service accepts, in characters.</summary>
    public const int MaxPropertyNameChars = 255;

    /// <summary>Characters per string property (64 KiB of UTF-16).</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>Bytes per binary property.</summary>
    public const int MaxBinaryBytes = 64 * 1024;

    /// <summary>Bytes per entity.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>Bytes per entity-group transaction payload (the service limit is 4 MiB; we keep headroom for the multipart envelope).</summary>
    public const int MaxBatchBytes = (4 * 1024 * 1024) - (256 * 1024);

    /// <summary>Actions per entity-group transaction.</summary>
    public const int MaxBatchActions = 100;

    /// <summary>The earliest date Edm.DateTime can hold.</summary>
    public static readonly DateTimeOffset MinDate = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The entity's size as the service counts it: 4 bytes + keys (UTF-16) + per property 8 bytes, its name
    /// (UTF-16) and its value (strings 4 + 2/char, binary 4 + its base64 length — see <see cref="Base64Length"/> — fixed sizes for the rest).
    /// </summary>
    public static long EstimateSize(ITableEntity entity, IEnumerable<KeyValuePair<string, object?>> properties) =>
        EstimateSize(entity.PartitionKey, entity.RowKey, properties);

    /// <summary>Size of a <see cref="TableEntity"/>.</summary>
    public static long EstimateSize(TableEntity entity) => EstimateSize(entity, entity);

    /// <summary>Size of an entity's columns (keys included as the <c>PartitionKey</c> and <c>RowKey</c> entries) before the entity exists.</summary>
    public static long EstimateSize(IDictionary<string, object> columns)
    {
        var size = KeysSize(
            columns.TryGetValue("PartitionKey", out var pk) ? pk as string : null,
            columns.TryGetValue("RowKey", out var rk) ? rk as string : null);
        if (columns is Dictionary<string, object> dictionary)
        {
            // The ingest path's columns: enumerated without boxing an enumerator or an interface call per column.
            foreach (var (name, value) in dictionary)
            {
                size += PropertySize(name, value);
            }

            return size;
        }

        foreach (var (name, value) in columns)
        {
            size += PropertySize(name, value);
        }

        return size;
    }

    private static long EstimateSize(string? partitionKey, string? rowKey, IEnumerable<KeyValuePair<string, object?>> properties)
    {
        var size = KeysSize(partitionKey, rowKey);
        foreach (var (name, value) in properties)
        {
            size += PropertySize(name, value);
        }

        return size;
    }

    private static long KeysSize(string? partitionKey, string? rowKey) => 4 + ((partitionKey?.Length ?? 0) * 2L) + ((rowKey?.Length ?? 0) * 2L);

    private static long PropertySize(string name, object? value) =>
        name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" ? 0 : 8 + (name.Length * 2L) + ValueSize(value);

    /// <summary>
    /// Checks an entity against every limit; returns null when it fits, otherwise what is wrong.
    /// </summary>
    public static string? Validate(TableEntity entity)
    {
        if (!IsValidKey(entity.PartitionKey, out var why))
        {
            return "PartitionKey " + why;
        }

        if (!IsValidKey(entity.RowKey, out why))
        {
            return "RowKey " + why;
        }

        var count = 0;
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            count++;
            if (!IsValidPropertyName(name))
            {
                return $"property name '{(name.Length > 40 ? name[..40] + "…" : name)}' ({name.Length} characters) is not a valid name (letters, digits, '_', not starting with a digit, at most {MaxPropertyNameChars} characters)";
            }

            switch (value)
            {
                case string s when s.Length > MaxStringChars:
                    return $"property '{name}' has {s.Length} characters (limit {MaxStringChars})";
                case Utf8Text u when u.Length > MaxStringChars:
                    return $"property '{name}' has {u.Length} characters (limit {MaxStringChars})";
                case byte[] b when b.Length > MaxBinaryBytes:
                    return $"property '{name}' has {b.Length} bytes (limit {MaxBinaryBytes})";
                case BinaryData bd when bd.ToMemory().Length > MaxBinaryBytes:
                    return $"property '{name}' has {bd.ToMemory().Length} bytes (limit {MaxBinaryBytes})";
                case DateTimeOffset d when d < MinDate:
                    return $"property '{name}' is {d:O}, before 1601-01-01";
                case DateTime dt when dt < MinDate.UtcDateTime:
                    return $"property '{name}' is {dt:O}, before 1601-01-01";
            }
        }

        if (count > MaxProperties)
        {
            return $"entity has {count} properties (limit {MaxProperties})";
        }

        var size = EstimateSize(entity);
        if (size > MaxEntityBytes)
        {
            return $"entity is {size} bytes (limit {MaxEntityBytes})";
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="name"/> can be a property (column) name: 1…<see cref="MaxPropertyNameChars"/> characters,
    /// ASCII letters, digits and '_', not starting with a digit (the service's C#-identifier rule, kept to ASCII).
    /// </summary>
    public static bool IsValidPropertyName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxPropertyNameChars || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a column can be named <paramref name="name"/> including the suffixes <c>RecordEntities.AddFitted</c> may
    /// append (<c>Truncated</c>, <c>Raw</c>): a valid property name short enough to keep them valid.
    /// </summary>
    public static bool IsValidColumnName(string? name) =>
        IsValidPropertyName(name) && name!.Length <= MaxPropertyNameChars - "Truncated".Length;

    /// <summary>Checks a key: length and forbidden characters.</summary>
    public static bool IsValidKey(string? key, out string why)
    {
        if (key is null)
        {
            why = "is missing";
            return false;
        }

        if (key.Length > KeyEncoder.MaxKeyLength)
        {
            why = $"is {key.Length} characters (limit {KeyEncoder.MaxKeyLength})";
            return false;
        }

        foreach (var c in key)
        {
            if (KeyEncoder.IsForbidden(c))
            {
                why = $"contains the forbidden character U+{(int)c:X4}";
                return false;
            }
        }

        why = string.Empty;
        return true;
    }

    /// <summary>
    /// Bytes a binary value of <paramref name="length"/> bytes takes on the wire (base64 in the JSON body). The
    /// service counts the raw length, Azurite the JSON body; counting base64 keeps an entity under both limits.
    /// </summary>
    public static long Base64Length(long length) => (length + 2) / 3 * 4;

    private static long ValueSize(object? value) => value switch
    {
        null => 0,
        string s => 4 + (s.Length * 2L),
        Utf8Text u => 4 + (u.Length * 2L),
        byte[] b => 4 + Base64Length(b.Length),
        BinaryData bd => 4 + Base64Length(bd.ToMemory().Length),
        bool => 1,
        int => 4,
        long or double or DateTimeOffset or DateTime => 8,
        Guid => 16,
        _ => 8,
    };
}
