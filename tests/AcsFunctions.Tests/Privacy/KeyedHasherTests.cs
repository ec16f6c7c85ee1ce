using AcsFunctions.Privacy;

namespace AcsFunctions.Tests.Privacy;

public sealed class KeyedHasherTests
{
    private static readonly KeyedHasher _hasher = new("unit-test-key-0123456789");

    [Fact]
    public void Hash_SameKey_StableAndRecognisable()
    {
        var a = _hasher.Hash("jane.doe@contoso.com");
        var b = new KeyedHasher("unit-test-key-0123456789").Hash("jane.doe@contoso.com");

        Assert.Equal(a, b);
        Assert.Matches("^h:[0-9a-f]{24}$", a);
        Assert.True(KeyedHasher.IsHash(a));
    }

    /// <summary>
    /// Known answers for the documented algorithm (docs/operations.md, Privacy: <c>h:</c> + 24 hex of HMAC-SHA256 with your key; the key's
    /// UTF-8 bytes are the HMAC key, the normalised value's UTF-8 bytes the message, the first 12 bytes of the MAC as
    /// lowercase hex). Computed outside .NET, e.g.
    /// <c>printf '%s' '+14255550123' | openssl dgst -sha256 -hmac 'unit-test-key-0123456789' | cut -c1-24</c>
    /// (on the hex after "= "), so a silent change of key encoding, algorithm, truncation or normal form fails here.
    /// </summary>
    [Theory]
    [InlineData("+14255550123", "h:48aa50133756077b56959ff8")]
    [InlineData("+1 (425) 555-0123", "h:48aa50133756077b56959ff8")] // normalised to +14255550123 first
    [InlineData("jane.doe@contoso.com", "h:1035d6563d4547dd0f2f954f")]
    [InlineData(" Jane.Doe@Contoso.com ", "h:1035d6563d4547dd0f2f954f")]
    [InlineData("8:acs:11111111-2222-3333-4444-555555555555_00000021-AAAA", "h:f9e9709092b53fcbd3202bcf")] // acs:…-aaaa
    public void Hash_KnownAnswer_IsTruncatedHmacSha256OfTheNormalisedValue(string value, string expected)
    {
        Assert.Equal(expected, _hasher.Hash(value));
    }

    [Fact]
    public void Hash_OtherKey_Differs()
    {
        Assert.NotEqual(_hasher.Hash("+14255550123"), new KeyedHasher("another-key-0123456789").Hash("+14255550123"));
    }

    [Theory]
    [InlineData("8:acs:11111111-2222-3333-4444-555555555555_00000021-AAAA", "acs:11111111-2222-3333-4444-555555555555_00000021-aaaa")]
    [InlineData("+1 (425) 555-0123", "+14255550123")]
    [InlineData("4:+14255550123", "tel:+1-425-555-0123")]
    [InlineData(" Jane.Doe@Contoso.com ", "jane.doe@contoso.com")]
    [InlineData("2001:DB8::1", "2001:db8:0:0:0:0:0:1")]
    public void Hash_EquivalentForms_HashAlike(string a, string b)
    {
        Assert.Equal(_hasher.Hash(a), _hasher.Hash(b));
    }

    [Fact]
    public void Hash_AlreadyHashed_Unchanged()
    {
        var once = _hasher.Hash("acs:x_y");

        Assert.Equal(once, _hasher.Hash(once));
    }

    [Fact]
    public void Hash_DifferentValues_Differ()
    {
        Assert.NotEqual(_hasher.Hash("acs:r_user1"), _hasher.Hash("acs:r_user2"));
    }
}
