using System.Net.Sockets;
using AcsFunctions.Storage;
using Azure;

namespace AcsFunctions.Tests.Storage;

/// <summary>
/// What the Functions app holds without limit (storage cannot be reached or refuses us) and what counts toward setting
/// a batch aside (<c>PoisonAfterAttempts</c>): <see cref="TransientErrors.IsUnavailability"/>.
/// </summary>
public sealed class UnavailabilityTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public void Storage_refusing_or_failing_is_availability(int status) =>
        Assert.True(TransientErrors.IsUnavailability(new RequestFailedException(status, "refused")));

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    [InlineData(413)]
    public void Another_4xx_is_deterministic(int status) =>
        Assert.False(TransientErrors.IsUnavailability(new RequestFailedException(status, "no")));

    [Fact]
    public void Outages_and_network_failures_are_availability_also_when_wrapped()
    {
        Assert.True(TransientErrors.IsUnavailability(new StorageUnavailableException("Table storage is unavailable")));
        Assert.True(TransientErrors.IsUnavailability(new HttpRequestException("reset")));
        Assert.True(TransientErrors.IsUnavailability(new IOException("broken pipe")));
        Assert.True(TransientErrors.IsUnavailability(new TimeoutException()));
        Assert.True(TransientErrors.IsUnavailability(new SocketException((int)SocketError.ConnectionRefused)));
        Assert.True(TransientErrors.IsUnavailability(new InvalidOperationException("wrapped", new RequestFailedException(403, "refused"))));
        Assert.True(TransientErrors.IsUnavailability(new AggregateException(new InvalidOperationException("bug"), new StorageUnavailableException("down"))));
    }

    [Fact]
    public void No_token_for_the_storage_credential_is_availability()
    {
        // The managed identity endpoint not answering, or answering 400 for a while after a deployment: nothing could be
        // written (the dead letters need the same token), and it heals.
        Assert.True(TransientErrors.IsUnavailability(new Azure.Identity.CredentialUnavailableException("ManagedIdentityCredential authentication unavailable.")));
        Assert.True(TransientErrors.IsUnavailability(new Azure.Identity.AuthenticationFailedException("ManagedIdentityCredential authentication failed: 400")));
        Assert.True(TransientErrors.IsUnavailability(new AggregateException(new Azure.Identity.AuthenticationFailedException("failed"))));
    }

    [Fact]
    public void A_bug_is_deterministic()
    {
        Assert.False(TransientErrors.IsUnavailability(new InvalidOperationException("bug")));
        Assert.False(TransientErrors.IsUnavailability(new NullReferenceException()));
        Assert.False(TransientErrors.IsUnavailability(new OperationCanceledException()));
        Assert.False(TransientErrors.IsUnavailability(new AggregateException(new ArgumentException("bug"))));
    }
}
