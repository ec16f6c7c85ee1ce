using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using AcsFunctions.FunctionApp;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>The binding metadata the worker SDK generated from the app's attributes: what the Functions host will index.</summary>
public sealed class GeneratedMetadataTests
{
    [Fact]
    public async Task The_app_declares_exactly_its_four_functions_in_its_own_assembly()
    {
        var functions = await GeneratedMetadata.FunctionsAsync();

        Assert.Equal(["IngestDiagnostics", "Query", "ReconcileHours", "RollupAggregates"], functions.Keys.Order(StringComparer.Ordinal));
        Assert.All(functions.Values, f => Assert.Equal("AcsFunctions.FunctionApp.dll", f.ScriptFile));
        Assert.Equal("AcsFunctions.FunctionApp.IngestDiagnosticsFunction.IngestDiagnostics", functions["IngestDiagnostics"].EntryPoint);
        Assert.Equal("AcsFunctions.FunctionApp.QueryFunction.Query", functions["Query"].EntryPoint);
    }

    [Fact]
    public async Task Event_hub_trigger_is_batched_string_bodies_on_the_identity_connection()
    {
        var trigger = Assert.Single((await GeneratedMetadata.FunctionsAsync())["IngestDiagnostics"].Bindings);

        Assert.Equal("eventHubTrigger", Text(trigger, "type"));
        Assert.Equal("In", Text(trigger, "direction"));
        Assert.Equal("Many", Text(trigger, "cardinality"));
        Assert.Equal("String", Text(trigger, "dataType"));
        Assert.Equal("%EventHubName%", Text(trigger, "eventHubName"));
        Assert.Equal("%EventHubConsumerGroup%", Text(trigger, "consumerGroup"));
        Assert.Equal("EventHubConnection", Text(trigger, "connection"));
    }

    [Theory]
    [InlineData("RollupAggregates", "%RollupSchedule%")]
    [InlineData("ReconcileHours", "%ReconcileSchedule%")]
    public async Task Timers_take_their_schedule_from_an_app_setting_and_keep_it_in_storage(string function, string schedule)
    {
        var trigger = Assert.Single((await GeneratedMetadata.FunctionsAsync())[function].Bindings);

        Assert.Equal("timerTrigger", Text(trigger, "type"));
        Assert.Equal(schedule, Text(trigger, "schedule"));
        Assert.True(trigger.GetProperty("useMonitor").GetBoolean());
    }

    [Fact]
    public async Task Query_is_a_function_key_GET_on_query_kind_returning_the_http_response()
    {
        var bindings = (await GeneratedMetadata.FunctionsAsync())["Query"].Bindings;

        var trigger = Assert.Single(bindings, b => Text(b, "type") == "httpTrigger");
        Assert.Equal("Function", Text(trigger, "authLevel"));
        Assert.Equal("query/{kind}", Text(trigger, "route"));
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        var output = Assert.Single(bindings, b => Text(b, "type") == "http");
        Assert.Equal("$return", Text(output, "name"));
        Assert.Equal("Out", Text(output, "direction"));
    }

    [Fact]
    public async Task Settings_are_read_from_the_metadata_not_from_the_sources()
    {
        var (expressions, connections) = await GeneratedMetadata.SettingsAsync();

        Assert.Equal(["EventHubConsumerGroup", "EventHubName", "ReconcileSchedule", "RollupSchedule"], expressions);
        Assert.Equal(["EventHubConnection"], connections);
    }

    [Fact]
    public void Host_json_lets_an_outage_invocation_run_until_its_batch_is_stored_and_checkpoints_every_batch()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infrastructure.RepositoryPaths.Root, "host.json")));

        // A timed-out invocation ends (and is checkpointed) like a failed one; -1 = no timeout (docs/reliability.md).
        Assert.Equal("-1", host.RootElement.GetProperty("functionTimeout").GetString());
        Assert.Equal(1, host.RootElement.GetProperty("extensions").GetProperty("eventHubs").GetProperty("batchCheckpointFrequency").GetInt32());
    }

    [Fact]
    public void The_deployed_host_runs_an_event_hubs_extension_that_does_not_checkpoint_a_cancelled_batch()
    {
        // The Functions host loads the WebJobs extension the SDK's generated WorkerExtensions.csproj restores at publish.
        // Host-side 5.1.0 (what the 5.1.0 worker package names) checkpointed a batch whose invocation was cancelled by
        // shutdown or a lost partition; 6.2.0 stopped that (WorkerExtensions.targets pins the version, docs/reliability.md).
        var configuration = typeof(IngestDiagnosticsFunction).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var project = Path.Combine(Infrastructure.RepositoryPaths.Root, "src", "AcsFunctions.FunctionApp", "obj", configuration, "net10.0", "WorkerExtensions", "WorkerExtensions.csproj");
        var references = XDocument.Load(project).Descendants("PackageReference")
            .ToDictionary(r => (string)r.Attribute("Include")!, r => Version.Parse((string)r.Attribute("Version")!), StringComparer.Ordinal);

        Assert.True(references["Microsoft.Azure.WebJobs.Extensions.EventHubs"] >= new Version(6, 2, 0), $"host-side Event Hubs extension {references["Microsoft.Azure.WebJobs.Extensions.EventHubs"]}");
    }

    private static string? Text(JsonElement binding, string property) => binding.GetProperty(property).GetString();
}
