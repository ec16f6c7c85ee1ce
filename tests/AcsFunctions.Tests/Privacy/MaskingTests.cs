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

public sealed class PlainUrlsTests
{
    private static readonly TextScrubber _scrubber = new(new KeyedHasher("unit-test-key-0123456789"));

    [Theory]
    [InlineData("https://acs-synthetic.communication.azure.com/calling/callConnections/39e4f95b-1226-4d5b-9b51-a8916a998381?api-version=2023-10-15")]
    [InlineData("https://acs-synthetic.communication.azure.com/chat/threads/19%3A8127834476f07da7d9841349e4fa21ef%40thread.v2/typing?api-version=2021-09-07")]
    [InlineData("https://acs-synthetic.communication.azure.com/networktraversal/:issueRelayConfiguration?api-version=2022-03-01-preview")]
    [InlineData("http://contoso.com/sms")]
    public void TryMask_TakesTheUrlsAcsLogs_AndLeavesThemAsTheyAre(string url)
    {
        var masked = PlainUrls.TryMask(url, _scrubber);

        Assert.Same(url, masked);
        Assert.Equal(Masking.MaskUrl(url, _scrubber.Scrub), masked);
    }

    [Theory]
    [InlineData("https://acs-prod.communication.azure.com/identities/8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa:issueAccessToken?api-version=2023-10-01&to=%2B14255550123")]
    [InlineData("https://acs-prod.communication.azure.com/sms?to=someone%40contoso.com&API-Version=1&flag&&=x")]
    [InlineData("https://acs-prod.communication.azure.com/x?")]
    [InlineData("https://203-0-113-7.contoso.com/10.1.2.3/x?a=*")]
    public void TryMask_MasksLikeUri(string url)
    {
        var masked = PlainUrls.TryMask(url, _scrubber);

        Assert.NotNull(masked);
        Assert.NotEqual(url, masked);
        Assert.Equal(Masking.MaskUrl(url, _scrubber.Scrub), masked);
    }

    [Theory]
    [InlineData("https://Contoso.com/x")]
    [InlineData("https://user:pw@contoso.com/x")]
    [InlineData("https://contoso.com:8443/x")]
    [InlineData("https://contoso.com/a/../b")]
    [InlineData("https://contoso.com/a%2Db")]
    [InlineData("https://contoso.com/a b")]
    [InlineData("https://contoso.com/x#frag")]
    [InlineData("https://203.0.113.7/x")]
    [InlineData("https://contoso.com?x=1")]
    [InlineData(" https://contoso.com/x")]
    [InlineData("ftp://contoso.com/x")]
    public void TryMask_LeavesEverythingElseToUri(string url)
    {
        Assert.Null(PlainUrls.TryMask(url, _scrubber));
    }

    /// <summary>
    /// The text-only mask must give exactly what the <see cref="Uri"/>-based mask gives for every URL it takes: generated
    /// URLs from pieces that <see cref="Uri"/> normalises (case, escapes, dot segments, ports, user info, fragments,
    /// IP hosts) and pieces it keeps, with personal tokens in path and query.
    /// </summary>
    [Fact]
    public void TryMask_EqualsTheUriMask_OnGeneratedUrls()
    {
        var random = new Random(18);
        string[] schemes = ["https://", "http://", "HTTPS://", "ftp://", "file://", "https:/", ""];
        string[] hosts =
        [
            "acs.communication.azure.com", "contoso.com", "a", "a-b.c0.io", "Contoso.com", "203.0.113.7", "1.2.3", "xn--bcher-kva.example",
            "-a.com", "a-.com", "a..com", "a.com.", "user@a.com", "a.com:443", "a.com:8080", "[2001:db8::1]", "a_b.com", "9a.com", "a.9com", "",
        ];
        const string chars = "abcXYZ019-._~!$&'()*+,;=:@/\"#<>?[\\]^`{|} %";
        string[] tokens =
        [
            "8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa", "someone@contoso.com", "someone%40contoso.com", "%2B14255550123",
            "+14255550123", "10.0.0.1", "2001:db8::1", ".", "..", "%2E", "%2e%2E", "%3A", "%3a", "%40", "%2F", "%41", "%7E", "%C3%A9", "%zz", "%4",
            "api-version", "API-Version", "*", "=", "&", "?", "#x",
        ];

        var taken = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var sb = new System.Text.StringBuilder();
            sb.Append(schemes[random.Next(4) == 0 ? random.Next(schemes.Length) : random.Next(2)]);
            sb.Append(hosts[random.Next(3) == 0 ? random.Next(hosts.Length) : random.Next(4)]);
            sb.Append(random.Next(5) > 0 ? "/" : string.Empty);
            var parts = random.Next(8);
            for (var p = 0; p < parts; p++)
            {
                sb.Append(random.Next(3) switch
                {
                    0 => "/",
                    1 => tokens[random.Next(tokens.Length)],
                    _ => new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(4) == 0 ? chars[random.Next(chars.Length)] : chars[random.Next(10)]).ToArray()),
                });
            }

            if (random.Next(2) == 0)
            {
                sb.Append('?');
                var pairs = random.Next(4);
                for (var p = 0; p < pairs; p++)
                {
                    sb.Append(p > 0 ? "&" : string.Empty).Append(tokens[random.Next(tokens.Length)]);
                    if (random.Next(3) > 0)
                    {
                        sb.Append('=').Append(random.Next(2) == 0 ? tokens[random.Next(tokens.Length)] : "2023-10-01");
                    }
                }
            }

            var url = sb.ToString();
            var fast = PlainUrls.TryMask(url, _scrubber);
            if (fast is not null)
            {
                taken++;
                Assert.True(string.Equals(Masking.MaskUrl(url, _scrubber.Scrub), fast, StringComparison.Ordinal), $"{url}: {fast} vs {Masking.MaskUrl(url, _scrubber.Scrub)}");
            }
        }

        Assert.InRange(taken, 2_000, 19_000); // both paths are exercised
    }
}
