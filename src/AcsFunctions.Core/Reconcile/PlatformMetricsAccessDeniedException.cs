namespace AcsFunctions.Reconcile;

/// <summary>Azure Monitor refused the metrics query (401/403): the identity lacks read access to the resource's metrics.</summary>
public sealed class PlatformMetricsAccessDeniedException : Exception
{
    /// <summary>The role that grants the access.</summary>
    public const string RequiredRole = "Monitoring Reader";

    /// <summary>Creates the exception.</summary>
    public PlatformMetricsAccessDeniedException(int status, string resourceId, string? serviceMessage)
        : base(
            $"Azure Monitor refused to read the metrics of {resourceId} ({status} {(status == 401 ? "Unauthorized" : "Forbidden")}). " +
            $"The signed-in identity needs the '{RequiredRole}' role (or Reader; permission Microsoft.Insights/metrics/read) on the ACS resource, its resource group or subscription." +
            (string.IsNullOrWhiteSpace(serviceMessage) ? string.Empty : $" Service said: {serviceMessage}"))
    {
        Status = status;
        ResourceId = resourceId;
    }

    /// <summary>Creates the exception (serialization-free default).</summary>
    public PlatformMetricsAccessDeniedException()
        : this(403, "(unknown resource)", null)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PlatformMetricsAccessDeniedException(string message)
        : base(message)
    {
        ResourceId = "(unknown resource)";
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public PlatformMetricsAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
        ResourceId = "(unknown resource)";
    }

    /// <summary>The HTTP status (401 or 403).</summary>
    public int Status { get; }

    /// <summary>The resource queried.</summary>
    public string ResourceId { get; }
}
