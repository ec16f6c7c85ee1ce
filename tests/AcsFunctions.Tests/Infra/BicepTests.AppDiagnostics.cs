using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// The app's own resources (Event Hubs namespace, storage blob and table services) send their logs and metrics to the app's
/// Log Analytics workspace, never to the hub; the <c>appDiagnostics</c> parameter turns them off, the storage services'
/// per-request logs only come with <c>storageRequestLogs</c>, and the function app gets none (Flex Consumption takes no
/// diagnostic settings on the app).
/// </summary>
public sealed partial class BicepTests
{
    [Fact]
    public void The_apps_own_resources_send_their_logs_and_metrics_to_the_workspace_and_appDiagnostics_false_deploys_none()
    {
        var module = Assert.Single(_compiled.Resources("Microsoft.Resources/deployments"), d => (string?)d["name"] == "acs-app-diagnostics");
        // Off means none: the only deployment that creates them is conditional on the parameter, which defaults to on.
        Assert.Equal("[parameters('appDiagnostics')]", (string?)module["condition"]);
        var parameter = _compiled.Main["parameters"]!["appDiagnostics"]!;
        Assert.Equal("bool", (string?)parameter["type"]);
        Assert.True(parameter["defaultValue"]!.GetValue<bool>());
        var requestLogs = _compiled.Main["parameters"]!["storageRequestLogs"]!;
        Assert.Equal("bool", (string?)requestLogs["type"]);
        Assert.False(requestLogs["defaultValue"]!.GetValue<bool>());
        Assert.Equal("[parameters('storageRequestLogs')]", (string?)module["properties"]!["parameters"]!["storageRequestLogs"]!["value"]);

        // The workspace the monitoring module creates (its output is that workspace's id), not anything else.
        Assert.Equal(
            "[reference(resourceId('Microsoft.Resources/deployments', 'acs-monitoring'), '2025-04-01').outputs.workspaceId.value]",
            (string?)module["properties"]!["parameters"]!["workspaceId"]!["value"]);
        var monitoring = _compiled.NestedTemplateContaining("Microsoft.OperationalInsights/workspaces");
        Assert.Equal("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]", (string?)monitoring["outputs"]!["workspaceId"]!["value"]);

        var template = module["properties"]!["template"]!.AsObject();
        var settings = _compiled.Resources("Microsoft.Insights/diagnosticSettings")
            .Where(s => template.ToJsonString().Contains(s.ToJsonString(), StringComparison.Ordinal))
            .ToDictionary(s => (string)s["scope"]!, s => s["properties"]!.AsObject());
        // The storage services' request logs are there only when the parameter is on; their metric always.
        const string storageCategories = "storageRequestLogs ? StorageDelete StorageRead StorageWrite | Transaction";
        var expected = new Dictionary<string, string>
        {
            ["[resourceId('Microsoft.EventHub/namespaces', parameters('eventHubNamespaceName'))]"] = "allLogs | AllMetrics",
            ["[resourceId('Microsoft.Storage/storageAccounts/blobServices', parameters('storageAccountName'), 'default')]"] = storageCategories,
            ["[resourceId('Microsoft.Storage/storageAccounts/tableServices', parameters('storageAccountName'), 'default')]"] = storageCategories,
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), settings.Keys.Order(StringComparer.Ordinal));
        foreach (var (scope, properties) in settings)
        {
            Assert.Equal("[parameters('workspaceId')]", (string?)properties["workspaceId"]);
            // No loop: the app's own logs never go to the hub the app reads (nor anywhere else but the workspace).
            Assert.Null(properties["eventHubName"]);
            Assert.Null(properties["eventHubAuthorizationRuleId"]);
            Assert.All(properties.Select(p => p.Key), key => Assert.Contains(key, new[] { "workspaceId", "logs", "metrics" }));
            Assert.Equal(expected[scope], $"{Categories(template, properties["logs"])} | {Categories(template, properties["metrics"])}");
        }

        // The hub's module names the namespace and the storage module the account that these scopes resolve to.
        foreach (var (name, output) in new[] { ("eventHubNamespaceName", "acs-eventhubs"), ("storageAccountName", "acs-storage") })
        {
            Assert.Contains($"resourceId('Microsoft.Resources/deployments', '{output}')", (string?)module["properties"]!["parameters"]![name]!["value"], StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The enabled categories (or category groups) of a logs/metrics array, sorted, resolving <c>[variables('x')]</c>;
    /// <c>[if(parameters('p'), variables('x'), createArray())]</c> reads "p ? " and the categories of x.
    /// </summary>
    private static string Categories(JsonObject template, JsonNode? list)
    {
        if (list is JsonValue conditional && ConditionalList().Match((string?)conditional ?? "") is { Success: true } match)
        {
            return $"{match.Groups["parameter"].Value} ? {Categories(template, template["variables"]![match.Groups["variable"].Value])}";
        }

        if (list is JsonValue reference && ((string?)reference)!.StartsWith("[variables('", StringComparison.Ordinal))
        {
            list = template["variables"]![((string)reference!)["[variables('".Length..^"')]".Length]];
        }

        return list is null
            ? ""
            : string.Join(" ", list.AsArray().Where(e => e!["enabled"]!.GetValue<bool>()).Select(e => (string?)e!["category"] ?? (string?)e!["categoryGroup"]).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^\[if\(parameters\('(?<parameter>\w+)'\), variables\('(?<variable>\w+)'\), createArray\(\)\)\]$")]
    private static partial Regex ConditionalList();
}
