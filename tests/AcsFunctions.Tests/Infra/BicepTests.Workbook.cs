using System.Text.Json.Nodes;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// The workbook as the template deploys it: a host key created for it, handed over only through secure parameters,
/// and the shipped workbook with this deployment's API URL and key filled in (evaluated by the real bicep CLI).
/// </summary>
public sealed partial class BicepTests
{
    private static readonly string _workbookFile = Path.Combine(RepositoryPaths.Infra, "workbook", "acs-diagnostics.workbook.json");

    [Fact]
    public void The_template_creates_the_workbook_key_and_hands_it_over_only_as_a_secure_parameter()
    {
        var key = Assert.Single(_compiled.Resources("Microsoft.Web/sites/host/functionKeys"));
        Assert.Equal("[format('{0}/default/{1}', parameters('appName'), parameters('workbookKeyName'))]", (string?)key["name"]);
        Assert.Equal("[not(empty(parameters('workbookKeyName')))]", (string?)key["condition"]);
        Assert.Contains("createObject('name', parameters('workbookKeyName'))", (string?)key["properties"], StringComparison.Ordinal);
        Assert.Contains("createObject('value', parameters('workbookKeyValue'))", (string?)key["properties"], StringComparison.Ordinal);

        var functionApp = _compiled.NestedTemplateContaining("Microsoft.Web/sites/host/functionKeys");
        Assert.Equal("securestring", (string?)functionApp["parameters"]!["workbookKeyValue"]!["type"]);
        var main = JsonNode.Parse(_compiled.MainTemplateText)!;
        Assert.Equal("securestring", (string?)main["parameters"]!["workbookKeyValue"]!["type"]);
        Assert.Equal("", (string?)main["parameters"]!["workbookKeyValue"]!["defaultValue"]);

        // The workbook module gets the key as a secure parameter, read back from the host keys after the app module ran.
        var workbookModule = Assert.Single(_compiled.Resources("Microsoft.Resources/deployments"), d => (string?)d["name"] == "acs-workbook");
        Assert.Equal(
            "[if(parameters('deployWorkbook'), createObject('value', listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', variables('names').app)), '2024-04-01').functionKeys[parameters('workbookKeyName')]), createObject('value', ''))]",
            (string?)workbookModule["properties"]!["parameters"]!["apiKey"]);
        Assert.Contains("acs-functionapp", workbookModule["dependsOn"]!.ToJsonString(), StringComparison.Ordinal);
        var workbookTemplate = _compiled.NestedTemplateContaining("Microsoft.Insights/workbooks");
        Assert.Equal("securestring", (string?)workbookTemplate["parameters"]!["apiKey"]!["type"]);

        // No output anywhere (main or module) carries a key or a secret parameter.
        foreach (var outputs in Outputs(main))
        {
            var text = outputs.ToJsonString();
            foreach (var secret in new[] { "listKeys", "apiKey", "workbookKeyValue", "privacyHashKey", "functionKeys" })
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task The_deployed_workbook_is_the_shipped_file_with_this_deployments_API_URL_and_key()
    {
        // The workbook module serializes withParameterDefaults(<the shipped file>, { ApiBaseUrl, ApiKey }) ...
        var workbookTemplate = _compiled.NestedTemplateContaining("Microsoft.Insights/workbooks");
        var workbook = Assert.Single(_compiled.Resources("Microsoft.Insights/workbooks"));
        var fileVariable = Assert.Single(workbookTemplate["variables"]!.AsObject(), v => JsonNode.DeepEquals(Compiled.ArmLiteral(v.Value), JsonNode.Parse(File.ReadAllText(_workbookFile)))).Key;
        Assert.Equal(
            $"[string(__bicep.withParameterDefaults(variables('{fileVariable}'), createObject('ApiBaseUrl', parameters('apiBaseUrl'), 'ApiKey', parameters('apiKey'))))]",
            (string?)workbook["properties"]!["serializedData"]);

        // ... and that function, evaluated by bicep on the real file, sets exactly those two parameter values.
        const string url = "https://func-acsdiag-abc.azurewebsites.net", key = "k3y\"with'quotes\\and-slash==";
        var evaluated = await EvaluateWithParameterDefaultsAsync(new JsonObject { ["ApiBaseUrl"] = url, ["ApiKey"] = key });
        var parameters = WorkbookContract.Items(evaluated).Where(i => (int?)i["type"] == 9).SelectMany(i => i["content"]!["parameters"]!.AsArray()).ToDictionary(p => (string)p!["name"]!);
        Assert.Equal(url, (string?)parameters["ApiBaseUrl"]!["value"]);
        Assert.Equal(key, (string?)parameters["ApiKey"]!["value"]);

        var original = JsonNode.Parse(File.ReadAllText(_workbookFile))!;
        foreach (var p in WorkbookContract.Items(original).Where(i => (int?)i["type"] == 9).SelectMany(i => i["content"]!["parameters"]!.AsArray()))
        {
            if ((string?)p!["name"] is "ApiBaseUrl" or "ApiKey")
            {
                p["value"] = (string?)parameters[(string)p["name"]!]!["value"];
            }
        }

        Assert.True(JsonNode.DeepEquals(original, evaluated), "the deployed workbook differs from the shipped file in more than the two parameter values");
        Assert.Empty(WorkbookContract.Check(evaluated));
    }

    /// <summary>Runs infra/modules/workbook-defaults.bicep's exported function on the shipped workbook with <c>bicep build-params</c>.</summary>
    private static async Task<JsonNode> EvaluateWithParameterDefaultsAsync(JsonObject defaults)
    {
        var dir = Directory.CreateTempSubdirectory("acs-bicep-params-");
        try
        {
            string Relative(string path) => Path.GetRelativePath(dir.FullName, path).Replace('\\', '/');
            var text = $"""
                using none
                import {"{"} withParameterDefaults {"}"} from '{Relative(Path.Combine(RepositoryPaths.Infra, "modules", "workbook-defaults.bicep"))}'
                param result = withParameterDefaults(loadJsonContent('{Relative(_workbookFile)}'), json('{defaults.ToJsonString().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'))
                """;
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "evaluate.bicepparam"), text);
            var run = await BicepCli.RunAsync(dir.FullName, "build-params", "evaluate.bicepparam", "--stdout");
            Assert.True(run.Exit == 0, $"bicep build-params failed ({run.Exit}):\n{run.Output}\n{run.Error}\n{text}");
            var parametersJson = JsonNode.Parse((string)JsonNode.Parse(run.Output)!["parametersJson"]!)!;
            return parametersJson["parameters"]!["result"]!["value"]!;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static IEnumerable<JsonNode> Outputs(JsonNode node) => node switch
    {
        JsonObject o => (o["outputs"] is JsonNode outputs && o["$schema"] is not null ? [outputs] : Enumerable.Empty<JsonNode>())
            .Concat(o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Outputs)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Outputs),
        _ => [],
    };
}
