using AcsFunctions.Privacy;

namespace AcsFunctions.Tests.Privacy;

public sealed class TextPatternsTests
{
    // Pieces that make up or break every alternative of the pattern, with non-ASCII look-alikes
    // (long s, Kelvin sign, Arabic-Indic digits, a non-breaking space).
    private static readonly string[] _pieces =
    [
        "acs", "ACS", "gcch-acs", "orgid", "teamsvisitor", "dod", "\u017Fpool", "spool", ":", "%3A", "%3a", "8:", "4:", "+1", "%2B",
        "425", "5550123", "@", "%40", "contoso", ".com", ".", "10", "0", "255", "\u0661", "\u0662", "::", "db8:", "fe80", "a", "x",
        "_", "-", " ", "/", "?", "=", "\u00A0", "\u212A", "/24",
        "thread", ".v2", "19", "\u00E9", ".io", "%2b", "+", ".x", "%", "%4", "%3", "%2",
    ];

    [Fact]
    public void MayContainPersonal_IsTrueForEveryTextThePatternMatches()
    {
        var random = new Random(20261123);
        var texts = new List<string>(PersonalDataSamples.Needles)
        {
            PersonalDataSamples.Everything, PersonalDataSamples.Url, "acs:x", "ORGID:y", "teamsvisitor%3Az", "a:b:c", "::1",
            "10.0.0.1", "\u0661\u0660.\u0660.\u0660.\u0661", "x%40y.com", "tel:+14255550123", "4:+14255550123",
        };
        for (var i = 0; i < 20_000; i++)
        {
            var text = new System.Text.StringBuilder();
            for (var j = random.Next(1, 9); j > 0; j--)
            {
                text.Append(_pieces[random.Next(_pieces.Length)]);
            }

            texts.Add(text.ToString());
        }

        var matched = 0;
        foreach (var text in texts)
        {
            if (TextPatterns.Personal().IsMatch(text))
            {
                matched++;
                Assert.True(TextPatterns.MayContainPersonal(text), text);
            }
        }

        Assert.True(matched > 1_000, $"only {matched} texts matched; the corpus no longer exercises the pattern");
    }

    [Theory]
    [InlineData("acs-synthetic.communication.azure.com")]
    [InlineData("/messages/notifications:receive")]
    [InlineData("/identities/11de1877-c8fa-4b7c-bb49-400afb700825/:issueAccessToken")]
    [InlineData("Microsoft Windows 10.x, build 17763")]
    [InlineData("/chat/threads/19%3A0f2c5a9e1d7b4c3a8e6f%40thread.v2/messages")]
    [InlineData("/chat/threads/19:meeting_32ad83479d359a3c@thread.v2/participants")]
    [InlineData("50% off, 100%")]
    [InlineData("c++ compiler, a+b")]
    public void MayContainPersonal_IsFalseForHostsAndPathsWithoutPersonalTokens(string text)
    {
        Assert.False(TextPatterns.MayContainPersonal(text));
        Assert.DoesNotMatch(TextPatterns.Personal(), text);
    }
}
