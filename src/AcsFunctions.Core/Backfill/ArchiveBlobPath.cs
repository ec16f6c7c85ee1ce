using System.Globalization;

namespace AcsFunctions.Backfill;

/// <summary>
/// The parts of a diagnostic-settings archive blob name:
/// <c>resourceId=/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/{rg}/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/{name}/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json</c>.
/// The hour is the hour the platform <em>received</em> the events (records inside may be older).
/// </summary>
/// <param name="ResourceId">The resource id as written in the path (upper case, leading slash).</param>
/// <param name="Hour">Start of the blob's hour (UTC).</param>
public sealed record ArchiveBlobPath(string ResourceId, DateTimeOffset Hour)
{
    private const string ResourcePrefix = "resourceId=";

    /// <summary>Parses a blob name; false for anything that is not an hourly archive blob.</summary>
    public static bool TryParse(string blobName, out ArchiveBlobPath? path)
    {
        path = null;
        if (!blobName.StartsWith(ResourcePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var segments = blobName[ResourcePrefix.Length..].Split('/');

        // ... /y=YYYY/m=MM/d=DD/h=HH/m=00/<file>.json : the last six segments are fixed.
        if (segments.Length < 8 || !segments[^1].EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!TryPart(segments[^6], "y", out var year) || !TryPart(segments[^5], "m", out var month) ||
            !TryPart(segments[^4], "d", out var day) || !TryPart(segments[^3], "h", out var hour) ||
            !TryPart(segments[^2], "m", out var minute))
        {
            return false;
        }

        if (year is < 1601 or > 9999 || month is < 1 or > 12 || hour is < 0 or > 23 || minute is < 0 or > 59 ||
            day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var resourceId = string.Join('/', segments[..^6]);
        if (resourceId.Length < 2 || resourceId[0] != '/')
        {
            return false;
        }

        path = new ArchiveBlobPath(resourceId, new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero));
        return true;
    }

    /// <summary>The blob name for a resource and hour (the layout diagnostic settings write).</summary>
    public static string Format(string resourceId, DateTimeOffset hour)
    {
        var utc = hour.ToUniversalTime();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{ResourcePrefixOf(resourceId)}y={utc.Year:D4}/m={utc.Month:D2}/d={utc.Day:D2}/h={utc.Hour:D2}/m=00/PT1H.json");
    }

    /// <summary>The listing prefix of one resource's blobs: <c>resourceId=/SUBSCRIPTIONS/…/NAME/</c> (the archive writes ids upper case).</summary>
    public static string ResourcePrefixOf(string resourceId)
    {
        var id = resourceId.Trim().TrimEnd('/');
        return ResourcePrefix + (id.StartsWith('/') ? id : "/" + id).ToUpperInvariant() + "/";
    }

    private static bool TryPart(string segment, string name, out int value)
    {
        value = 0;
        return segment.Length > name.Length + 1 &&
            segment.StartsWith(name, StringComparison.OrdinalIgnoreCase) &&
            segment[name.Length] == '=' &&
            int.TryParse(segment.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
