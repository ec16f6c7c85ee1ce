namespace AcsFunctions.Storage;

/// <summary>
/// The storage side of record rows: their partition keys and columns fitted to the service's limits (strings over
/// 32,768 characters are cut with a <c>&lt;Name&gt;Truncated</c> flag — the raw copy keeps them whole; dates before
/// 1601 are kept as text). The rows themselves are built by the ingestion stage that knows dispatch types
/// (<c>AcsFunctions.Ingestion.RecordRows</c>): Storage depends on no dispatch type.
/// </summary>
public static class RecordEntities
{
    /// <summary>PartitionKey of a windowed record: <c>yyyyMMddHHmm|resourceKey|category</c>.</summary>
    public static string WindowPartitionKey(DateTimeOffset time, string resourceKey, string category) =>
        KeyEncoder.Join(Windows.Key(time), resourceKey, category);

    /// <summary>PartitionKey of a call record: <c>resourceKey|correlationId</c>.</summary>
    public static string CallPartitionKey(string resourceKey, string correlationId) =>
        KeyEncoder.Join(resourceKey, correlationId);

    /// <summary>Adds a column, adapting values the service cannot hold.</summary>
    public static void AddFitted(IDictionary<string, object> entity, string name, object value)
    {
        switch (value)
        {
            case string s when s.Length > EntityLimits.MaxStringChars:
                entity[name] = s[..EntityLimits.MaxStringChars];
                entity[name + "Truncated"] = true;
                break;
            case DateTimeOffset d when d < EntityLimits.MinDate:
                entity[name + "Raw"] = d.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                break;
            case double d when !double.IsFinite(d):
                entity[name + "Raw"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            default:
                entity[name] = value;
                break;
        }
    }
}
