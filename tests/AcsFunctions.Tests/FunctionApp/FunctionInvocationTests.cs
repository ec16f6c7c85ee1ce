using System.Text.Json.Nodes;
using AcsFunctions.FunctionApp;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// Every function of the app, created by the worker's activator from the host <c>Program</c> builds, invoked with its
/// trigger's input against Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionInvocationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Every_function_class_resolves_from_the_real_host()
    {
        await using var app = AppHost.Build(azurite.ConnectionString);
        using var invocation = app.Invocation("any");

        Assert.NotNull(invocation.Activate<IngestDiagnosticsFunction>());
        Assert.NotNull(invocation.Activate<QueryFunction>());
        Assert.NotNull(invocation.Activate<RollupAggregatesFunction>());
        Assert.NotNull(invocation.Activate<ReconcileHoursFunction>());
    }

    [Fact]
    public async Task Event_hub_batch_with_a_malformed_body_stores_rows_and_a_dead_letter_and_the_same_batch_again_changes_nothing()
    {
        await using var app = AppHost.Build(azurite.ConnectionString);
        var batch = EventHubBatch.WithOneMalformedBody(partition: "3");

        await InvokeAsync(app, batch);
        var tables = await app.Storage.TablesAsync();
        var first = await TableSnapshot.TakeAsync(app.Storage, tables);
        await InvokeAsync(app, batch);
        var second = await TableSnapshot.TakeAsync(app.Storage, await app.Storage.TablesAsync());

        var rows = await app.Storage.AllAsync(TableNames.Records);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("3", r.GetString("SourcePartition")));
        Assert.Equal([500L, 500L, 501L], rows.Select(r => r.GetInt64("SourceSequenceNumber")!.Value).Order());
        var dead = Assert.Single(await app.Storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal(502L, dead.GetInt64("SourceSequenceNumber"));
        Assert.Equal("3", dead.GetString("SourcePartition"));
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rollup_timer_rolls_up_what_was_ingested_and_says_when_it_is_past_due(bool pastDue)
    {
        var logs = new CapturedLogs();
        await using var app = AppHost.Build(azurite.ConnectionString, configure: s => s.AddLogging(b => b.AddProvider(logs)));
        await InvokeAsync(app, EventHubBatch.WithOneMalformedBody());
        Assert.Empty(await app.Storage.AllAsync(TableNames.AggApiRequests));

        using (var invocation = app.Invocation("RollupAggregates"))
        {
            await invocation.Activate<RollupAggregatesFunction>().RollupAggregates(new TimerInfo { IsPastDue = pastDue }, invocation);
        }

        Assert.NotEmpty(await app.Storage.AllAsync(TableNames.AggApiRequests));
        Assert.Equal(pastDue, logs.Entries.Any(e => e.Id.Name == "RollupPastDue"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconcile_timer_with_no_resource_configured_does_nothing(bool pastDue)
    {
        await using var app = AppHost.Build(azurite.ConnectionString);

        using (var invocation = app.Invocation("ReconcileHours"))
        {
            await invocation.Activate<ReconcileHoursFunction>().ReconcileHours(new TimerInfo { IsPastDue = pastDue }, invocation);
        }

        Assert.Empty(await app.Storage.TablesAsync());
    }

    [Fact]
    public async Task Query_answers_the_json_of_acs_diag_query()
    {
        // The roll-up timer also runs retention (#17): these records have a fixed date and the app runs on the real clock,
        // so their minute rows would age past the 14-day setting; retention is off here (RetentionTests cover it).
        await using var app = AppHost.Build(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Retention:Enabled"] = "false" });
        await InvokeAsync(app, EventHubBatch.WithOneMalformedBody());
        using (var rollup = app.Invocation("RollupAggregates"))
        {
            await rollup.Activate<RollupAggregatesFunction>().RollupAggregates(new TimerInfo(), rollup);
        }

        var response = await QueryAsync(app, QueryKinds.ApiRequests, "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z");
        var cli = await app.Storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.ApiRequests, new Dictionary<string, string?>
        {
            ["from"] = "2026-11-20T10:00:00Z",
            ["to"] = "2026-11-20T11:00:00Z",
        });

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        Assert.Equal(JsonText.Compact(cli.Json), response.Text);
        Assert.Equal(3, JsonNode.Parse(response.Text)!.AsArray().Sum(r => r!["count"]!.GetValue<long>()));
    }

    internal static async Task InvokeAsync(AppHost app, EventHubBatch batch, CancellationToken cancellationToken = default)
    {
        using var invocation = app.Invocation("IngestDiagnostics", batch.BindingData, cancellationToken);
        await invocation.Activate<IngestDiagnosticsFunction>().IngestDiagnostics(batch.Bodies, batch.EnqueuedTimeUtc, batch.SequenceNumbers, batch.Offsets, invocation);
    }

    internal static async Task<TestHttpResponse> QueryAsync(AppHost app, string kind, string query)
    {
        using var invocation = app.Invocation("Query", new Dictionary<string, object?> { ["kind"] = kind });
        var request = new TestHttpRequest(invocation, new Uri($"https://acs.example/api/query/{kind}?{query}"));
        return (TestHttpResponse)await invocation.Activate<QueryFunction>().Query(request, kind, invocation);
    }
}
