using AcsFunctions.Azurite;

namespace AcsFunctions.Tests.Azurite;

/// <summary>The Azurite host installs Azurite with <c>npm ci</c> when it is missing: it says so, and fails clearly when it cannot.</summary>
public sealed class AzuriteInstallTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("acs-azurite-install-").FullName;

    [Fact]
    public async Task Missing_NpmCiCannotInstall_SaysSoThenFailsNamingTheFolderAndTheCommand()
    {
        // package.json pins azurite but there is no package-lock.json: `npm ci` refuses at once, without the network.
        await File.WriteAllTextAsync(Path.Combine(_root, "package.json"), """{"name":"t","version":"1.0.0","devDependencies":{"azurite":"3.35.0"}}""");
        var said = new List<string>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteHost.EnsureInstalledAsync(_root, said.Add));

        var announcement = Assert.Single(said);
        Assert.Contains("npm ci", announcement, StringComparison.Ordinal);
        Assert.Contains(_root, announcement, StringComparison.Ordinal);
        Assert.StartsWith("Azurite is missing and", error.Message, StringComparison.Ordinal);
        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
        Assert.Contains(_root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installed_NothingIsRunAndNothingSaid()
    {
        var bin = Path.Combine(_root, "node_modules", ".bin", "azurite");
        Directory.CreateDirectory(Path.GetDirectoryName(bin)!);
        await File.WriteAllTextAsync(bin, "");
        var said = new List<string>();

        Assert.Equal(bin, await AzuriteHost.EnsureInstalledAsync(_root, said.Add));
        Assert.Empty(said);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
