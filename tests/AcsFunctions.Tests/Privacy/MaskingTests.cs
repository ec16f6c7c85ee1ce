using AcsFunctions.Privacy;

namespace AcsFunctions.Tests.Privacy;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("203.0.113.0/24", "203.0.113.0/24")]
    [InlineData("198.51.100.7:5678", "198.51.100.0/24")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0/24")]
    [InlineData("not an address", null)]
    public void MaskIp_KeepsTheNetwork(string input, string? expected)
    {
        Assert.Equal(expected, Masking.MaskIp(input));
    }

    [Theory]
    [InlineData("+14255550123", "+1***")]
    [InlineData("+447911123456", "+44***")]
    [InlineData("+353861234567", "+353***")]
    [InlineData("+79161234567", "+7***")]
    [InlineData("+4915112345678", "+49***")]
    public void MaskIdentifier_Phone_KeepsCountryCode(string input, string expected)
    {
        Assert.Equal(expected, Masking.MaskIdentifier(input));
    }

    [Fact]
    public void MaskIdentifier_EmailAndIdentity()
    {
        Assert.Equal("*@contoso.com", Masking.MaskIdentifier("Jane.Doe@Contoso.com"));
        Assert.Equal("8:acs:11111111-2222-3333-4444-555555555555_*", Masking.MaskIdentifier("8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa"));
        Assert.Equal("8:orgid:*", Masking.MaskIdentifier("8:orgid:4b0ab0d1-0000-4000-8000-000000000001"));
        Assert.Equal("*", Masking.MaskIdentifier("someone"));
    }

    [Fact]
    public void MaskUrl_DropsQueryValuesButApiVersion_ScrubsPath()
    {
        var scrubber = new TextScrubber(new KeyedHasher("unit-test-key-0123456789"));

        var masked = Masking.MaskUrl(
            "https://user:pw@acs-prod.communication.azure.com/identities/8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa:issueAccessToken?api-version=2023-10-01&to=%2B14255550123#frag",
            scrubber.Scrub);

        Assert.StartsWith("https://acs-prod.communication.azure.com/identities/h:", masked, StringComparison.Ordinal);
        Assert.EndsWith(":issueAccessToken?api-version=2023-10-01&to=*", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("00000021", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("user:pw", masked, StringComparison.Ordinal);
    }
}
