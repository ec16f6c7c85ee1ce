using System.Text;
using AcsFunctions.Privacy;

namespace AcsFunctions.Tests.Privacy;

public sealed class TextScrubberTests
{
    private static readonly KeyedHasher _hasher = new("unit-test-key-0123456789");
    private static readonly TextScrubber _scrubber = new(_hasher);

    [Fact]
    public void Scrub_EveryKindOfToken_Replaced()
    {
        const string text = "Mailbox jane.doe@contoso.com (+1 425 555 0123) from 203.0.113.77 / 2001:db8:85a3:8d3:1319:8a2e:370:7348 as 8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa-bbbb-cccc-0d00e5b6f7a8.";

        var scrubbed = _scrubber.Scrub(text);

        Assert.Equal(
            $"Mailbox {_hasher.Hash("jane.doe@contoso.com")} ({_hasher.Hash("+14255550123")}) from 203.0.113.0/24 / 2001:db8:85a3::/48 as {_hasher.Hash("acs:11111111-2222-3333-4444-555555555555_00000021-aaaa-bbbb-cccc-0d00e5b6f7a8")}.",
            scrubbed);
    }

    [Theory]
    [InlineData("ErrorCode: 4005. ErrorMessage: Message is blocked by destination carrier")]
    [InlineData("2025-03-04T10:15:02.4410000Z at 10:15:02 or 2025-03-04T10:15:02+01:00")]
    [InlineData("19:meeting_MjZiOTAy@thread.v2 and 19:abc@thread.v2")]
    [InlineData("sdk 1.19.2.2_beta, Windows 10.0.17763, 1.2.3.4.5, seq 1741083302441")]
    [InlineData("Y4x6ZabFE0+E8ERwMpd68w and dDRmubfpNZZZZZnxBtw3Q.0 and 341acde7-8aa5-445b-a3da-2ddadca47d22")]
    [InlineData("https://acs-prod.communication.azure.com/chat/threads?api-version=2024-03-07")]
    public void Scrub_NothingPersonal_SameInstance(string text)
    {
        Assert.Same(text, _scrubber.Scrub(text));
    }

    [Fact]
    public void Scrub_PercentEncoded_Replaced()
    {
        var scrubbed = _scrubber.Scrub("/identities/8%3Aacs%3Ar_user?to=%2B14255550123&mail=jane%40contoso.com");

        Assert.DoesNotContain("r_user", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("4255550123", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", scrubbed, StringComparison.Ordinal);
        Assert.Contains(_hasher.Hash("acs:r_user"), scrubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void ScrubBytes_InvalidUtf8Survives()
    {
        var payload = new byte[] { 0xFF, 0xFE, (byte)' ' }.Concat(Encoding.ASCII.GetBytes("call +14255550123 now")).Append((byte)0xC3).ToArray();

        var scrubbed = _scrubber.ScrubBytes(payload).ToArray();

        Assert.Equal(new byte[] { 0xFF, 0xFE, (byte)' ' }, scrubbed[..3]);
        Assert.Equal(0xC3, scrubbed[^1]);
        Assert.Contains(_hasher.Hash("+14255550123"), Encoding.Latin1.GetString(scrubbed), StringComparison.Ordinal);
    }
}
