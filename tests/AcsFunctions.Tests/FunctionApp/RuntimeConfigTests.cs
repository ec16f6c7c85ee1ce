using System.Text.Json;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// The runtime settings both hosts ship with (their runtimeconfig.json, which the build copies next to the tests): the
/// ones the benchmarks in docs/benchmarks.md were measured with.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void TheFunctionsApp_CollectsWithServerGc_NonConcurrent_AndTheCli_ConservesMemory()
    {
        var app = Properties("AcsFunctions.FunctionApp");
        Assert.True(app.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(app.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.False(Properties("acs-diag").TryGetProperty("System.GC.Server", out _)); // workstation GC for P4's memory
        Assert.Equal(7, Properties("acs-diag").GetProperty("System.GC.ConserveMemory").GetInt32());
    }

    private static JsonElement Properties(string host)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, host + ".runtimeconfig.json")));
        return config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
