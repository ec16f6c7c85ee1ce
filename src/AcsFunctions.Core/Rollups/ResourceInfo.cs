using Azure.Data.Tables;

namespace AcsFunctions.Rollups;

/// <summary>The ACS resource an aggregate belongs to, as stored on every record and aggregate row.</summary>
/// <param name="Key">The resource key used in table keys (<c>NAME~hash</c>).</param>
/// <param name="Id">The normalised resource id.</param>
/// <param name="Name">The resource name.</param>
public sealed record ResourceInfo(string Key, string Id, string Name)
{
    /// <summary>Reads the <c>ResourceKey</c>, <c>ResourceId</c> and <c>ResourceName</c> columns.</summary>
    public static ResourceInfo Read(TableEntity entity, string? fallbackKey = null)
    {
        var key = EntityValues.Text(entity, "ResourceKey") ?? fallbackKey ?? "UNKNOWN";
        var name = EntityValues.Text(entity, "ResourceName") ?? key.Split('~')[0];
        return new ResourceInfo(key, EntityValues.Text(entity, "ResourceId") ?? "/" + name, name);
    }

    /// <summary>Reads the resource columns of a page row, as <see cref="Read(TableEntity, string?)"/> reads them from the row as stored.</summary>
    public static ResourceInfo Read(in PageRow row)
    {
        var key = row.Text("ResourceKey") ?? "UNKNOWN";
        var name = row.Text("ResourceName") ?? key.Split('~')[0];
        return new ResourceInfo(key, row.Text("ResourceId") ?? "/" + name, name);
    }

    /// <summary>Writes the resource columns and the window start onto an aggregate entity.</summary>
    public void WriteTo(TableEntity entity, DateTimeOffset windowStart)
    {
        entity["WindowStart"] = windowStart;
        entity["ResourceKey"] = Key;
        entity["ResourceId"] = Id;
        entity["ResourceName"] = Name;
    }
}
