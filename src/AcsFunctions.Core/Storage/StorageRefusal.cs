using Azure;

namespace AcsFunctions.Storage;

/// <summary>
/// What a storage 401/403 means, from the service's error code (<see cref="RequestFailedException.ErrorCode"/>): a
/// missing data role, a firewall, an expired SAS or a wrong key each send an operator somewhere else, so the text names
/// the cause the code points at instead of always blaming the role.
/// </summary>
public static class StorageRefusal
{
    /// <summary>Whether <paramref name="ex"/> is storage refusing the credentials (401 or 403).</summary>
    public static bool Is(RequestFailedException ex) => ex is { Status: 401 or 403 };

    /// <summary>The status and error code as the service sent them, e.g. <c>HTTP 403 AuthorizationFailure</c>.</summary>
    public static string Status(RequestFailedException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ErrorCode(ex) is { } code ? $"HTTP {ex.Status} {code}" : $"HTTP {ex.Status}";
    }

    /// <summary>
    /// The service's error code: <see cref="RequestFailedException.ErrorCode"/>, else the response's
    /// <c>x-ms-error-code</c> header — the Tables client reads the code from a JSON body only, and an authorization
    /// failure can come back as XML (Azurite's does), leaving <see cref="RequestFailedException.ErrorCode"/> empty.
    /// </summary>
    public static string? ErrorCode(RequestFailedException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (!string.IsNullOrEmpty(ex.ErrorCode))
        {
            return ex.ErrorCode;
        }

        return ex.GetRawResponse() is { } response && response.Headers.TryGetValue("x-ms-error-code", out var code) && !string.IsNullOrEmpty(code) ? code : null;
    }

    /// <summary>What the refusal's error code means and where to look (no endpoint, account or service message).</summary>
    public static string Cause(RequestFailedException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ErrorCode(ex) switch
        {
            "AuthorizationPermissionMismatch" or "InsufficientAccountPermissions" or "AuthorizationServiceMismatch" or "AuthorizationResourceTypeMismatch" =>
                "the credentials may not do this: an identity needs the Storage Table Data Contributor (or Reader) role on the account, and Storage Blob Data Contributor for the payload blobs (Reader on a backfill's archive); a new role can take minutes to apply after a deployment; a SAS needs the service, all resource types, and read, list and write permissions",
            "AuthorizationFailure" =>
                "the account refused the request: its firewall (networks, private endpoints) may not admit this host, or the SAS in the connection string has expired or is not valid yet",
            "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" =>
                "the credentials were not accepted: a wrong or rotated account key, an expired or not yet valid SAS, a token for another tenant, or this host's clock more than 15 minutes off",
            "KeyBasedAuthenticationNotPermitted" =>
                "the account does not allow account keys or SAS: use an identity with the Storage Table Data Contributor (or Reader) role",
            "AuthorizationSourceIPMismatch" or "AuthorizationProtocolMismatch" =>
                "the SAS does not admit this host's IP address or protocol",
            _ =>
                "check the identity's Storage Table Data role, the account key or SAS, and the account's firewall",
        };
    }
}
