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
        var port = FreePort();
        var moved = TableEndpoint().Replace(connectionString, $"TableEndpoint=http://127.0.0.1:{port}/");
        return moved != connectionString ? moved : throw new ArgumentException("no loopback TableEndpoint in the connection string", nameof(connectionString));
    }

    /// <summary>
    /// <paramref name="connectionString"/> (an Azurite one) with only the blob endpoint moved to a closed port
    /// (<paramref name="port"/>): the tables answer, every blob request is refused.
    /// </summary>
    public static string BlobEndpointClosed(string connectionString, out int port)
    {
        port = FreePort();
        var moved = BlobEndpoint().Replace(connectionString, $"BlobEndpoint=http://127.0.0.1:{port}/");
        return moved != connectionString ? moved : throw new ArgumentException("no loopback BlobEndpoint in the connection string", nameof(connectionString));
    }

    /// <summary>
    /// A well-formed development-account connection string whose table and blob endpoints are a loopback port nothing
    /// listens on (connections refused); <paramref name="port"/> is that port.
    /// </summary>
    public static string ClosedPort(out int port)
    {
        port = FreePort();
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:\d+/")]
    private static partial Regex TableEndpoint();

    [GeneratedRegex(@"BlobEndpoint=http://127\.0\.0\.1:\d+/")]
    private static partial Regex BlobEndpoint();
}
