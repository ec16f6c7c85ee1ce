using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// A bad <c>acs-diag generate</c> argument, through the real process: one error line naming the option as typed and the
/// usage hint, exit 2 — a count out of range, and an <c>--out</c> directory that cannot be created (not exit 1 and an
/// exception name).
/// </summary>
public sealed class GenerateArgumentErrorTests
{
    [Theory]
    [InlineData("--calls", "-1", "error: --calls must be between 0 and 10,000,000.")]
    [InlineData("--api-requests", "-5", "error: --api-requests must be between 0 and 100,000,000.")]
    [InlineData("--minutes", "0", "error: --minutes must be between 1 and 44,640.")]
    public async Task CountOutOfRange_OneLineNamingTheOption_AndTheHint(string option, string value, string expected)
    {
        var (exit, output, error) = await CliProcess.RunAsync(["generate", option, value, "--out", "-"], new Dictionary<string, string?>());

        Assert.True(exit == 2, $"exit {exit}\n{error}");
        Assert.Equal([expected, "hint: acs-diag generate --help shows the usage."], Lines(error));
        Assert.Empty(output);
    }

    [Fact]
    public async Task OutUnderAFile_OneLineNamingThePath_Exit2()
    {
        var file = Path.GetTempFileName();
        try
        {
            var target = Path.Combine(file, "bodies");

            var (exit, _, error) = await CliProcess.RunAsync(["generate", "--calls", "1", "--api-requests", "10", "--out", target], new Dictionary<string, string?>());

            Assert.True(exit == 2, $"exit {exit}\n{error}");
            var lines = Lines(error);
            Assert.Equal(2, lines.Count);
            Assert.StartsWith($"error: --out: cannot write to '{target}': ", lines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", lines[0], StringComparison.Ordinal);
            Assert.Equal("hint: acs-diag generate --help shows the usage.", lines[1]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [UnixOnlyFact("/proc does not exist elsewhere")]
    public async Task OutUnderProc_Exit2_NotAnException()
    {
        var (exit, _, error) = await CliProcess.RunAsync(["generate", "--calls", "1", "--api-requests", "10", "--out", "/proc/nope"], new Dictionary<string, string?>());

        Assert.True(exit == 2, $"exit {exit}\n{error}");
        Assert.StartsWith("error: --out: cannot write to '/proc/nope': ", Lines(error)[0], StringComparison.Ordinal);
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal))];
}
