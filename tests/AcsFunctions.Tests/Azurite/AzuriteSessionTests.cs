using AcsFunctions.Azurite;

namespace AcsFunctions.Tests.Azurite;

/// <summary>
/// The Azurite that <c>acs-diag demo</c>, <c>bench</c> and the tests start runs in a session of its own on Linux, so a
/// terminal's Ctrl+C (sent to the whole foreground process group) reaches the command, which finishes or cancels its
/// work and then stops Azurite itself — instead of Azurite dying first and the command's last writes failing with a
/// screen of retry warnings. Stopping it is still the host's: disposing it ends the process.
/// </summary>
public sealed class AzuriteSessionTests
{
    [Fact]
    public async Task Azurite_runs_in_its_own_session_and_ends_with_its_host()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // process groups and /proc: Linux only (the CI's machine)
        }

        var azurite = await AzuriteHost.StartAsync();
        int pid;
        await using (azurite)
        {
            pid = azurite.ProcessId;
            Assert.NotEqual(0, pid);
            var (group, session) = GroupAndSession($"/proc/{pid}/stat");
            var (ourGroup, ourSession) = GroupAndSession("/proc/self/stat");
            Assert.NotEqual(ourGroup, group);
            Assert.NotEqual(ourSession, session);
            Assert.Equal(pid, session); // setsid ran Azurite in place: it leads its session
        }

        Assert.False(File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), "Azurite outlived its host");
    }

    private static (int Group, int Session) GroupAndSession(string stat)
    {
        // "pid (comm) state ppid pgrp session …"; comm may hold spaces and parentheses, so read after the last ')'.
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
    }
}
