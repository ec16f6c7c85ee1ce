using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>A storage outage without mocks: a real connection string whose table endpoint is a loopback port nothing listens on.</summary>
internal static partial class UnreachableStorage
{
    /// <summary><paramref name="connectionString"/> (an Azurite one) with the table endpoint moved to a closed port.</summary>
    public static string ConnectionString(string connectionString)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var moved = TableEndpoint().Replace(connectionString, $"TableEndpoint=http://127.0.0.1:{port}/");
        return moved != connectionString ? moved : throw new ArgumentException("no loopback TableEndpoint in the connection string", nameof(connectionString));
    }

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:\d+/")]
    private static partial Regex TableEndpoint();
}
