using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// Every .bicep file under infra/ builds and lints with the real bicep CLI with zero errors and zero warnings, and the
/// compiled template wires what the app needs (identity-based settings that name real options, the roles, allLogs, the
/// workbook file).
/// </summary>
public sealed partial class BicepTests : IClassFixture<BicepTests.Compiled>
{
    private readonly Compiled _compiled;

    /// <summary>Creates the tests.</summary>
    public BicepTests(Compiled compiled) => _compiled = compiled;

    [Fact]
    public void Every_bicep_file_builds_without_errors_or_warnings()
    {
        Assert.True(_compiled.Build.Exit == 0, $"bicep build failed ({_compiled.Build.Exit}):\n{_compiled.Build.Output}\n{_compiled.Build.Error}");
        AssertClean("bicep build", _compiled.Build.Error + "\n" + _compiled.Build.Output);
        foreach (var file in _compiled.BicepFiles)
        {
            var json = Path.Combine(_compiled.OutDir, Path.ChangeExtension(Path.GetRelativePath(RepositoryPaths.Infra, file), ".json"));
            Assert.True(File.Exists(json), $"bicep build produced no template for {file} (expected {json})");
        }
    }

    [Fact]
    public void Every_bicep_file_lints_without_errors_or_warnings()
    {
        Assert.True(_compiled.Lint.Exit == 0, $"bicep lint failed ({_compiled.Lint.Exit}):\n{_compiled.Lint.Output}\n{_compiled.Lint.Error}");
        AssertClean("bicep lint", _compiled.Lint.Error + "\n" + _compiled.Lint.Output);
    }

    [Fact]
    public async Task The_diagnostics_check_catches_a_linter_warning()
    {
        // The clean-output assertions above are only worth something if a real warning is recognised.
        var dir = Directory.CreateTempSubdirectory("acs-bicep-warn-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "bad.bicep"), "param unused string\noutput o string = 'x'\n");
            var lint = await BicepCli.RunAsync(dir.FullName, "lint", "bad.bicep");
            var (diagnostics, _) = BicepDiagnostic.Parse(lint.Error + "\n" + lint.Output);
            Assert.Contains(diagnostics, d => d.Level == "Warning" && d.Code == "no-unused-params" && d.Line == 1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Storage_refuses_shared_keys_and_the_app_runs_dotnet_isolated_10_on_flex_with_its_identity()
    {
        var storage = Assert.Single(_compiled.Resources("Microsoft.Storage/storageAccounts"));
        Assert.False(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());

        var plan = Assert.Single(_compiled.Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);

        var site = Assert.Single(_compiled.Resources("Microsoft.Web/sites"));
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        var config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
    }

    [Fact]
    public void App_settings_are_identity_based_and_name_real_AcsFunctions_options()
    {
        var text = _compiled.MainTemplateText;
        foreach (var required in new[]
                 {
                     "EventHubConnection__fullyQualifiedNamespace", "EventHubConnection__credential", "EventHubConnection__clientId",
                     "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
                     "AcsFunctions__Storage__TableServiceUri", "AcsFunctions__Storage__BlobServiceUri",
                     "AcsFunctions__Storage__ManagedIdentityClientId", "AcsFunctions__Privacy__HashKey",
                     "EventHubName", "EventHubConsumerGroup", "RollupSchedule", "ReconcileSchedule", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
                 })
        {
            Assert.Contains(required, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
        // The one key the template reads is the workbook's function key (see BicepTests.Workbook.cs): no storage or hub keys.
        const string hostKeys = "listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', variables('names').app)), '2024-04-01')";
        Assert.All(ListFunctionCall().Matches(text), m => Assert.Equal(hostKeys, text.Substring(m.Index, Math.Min(hostKeys.Length, text.Length - m.Index))));

        // Every AcsFunctions__<Section>__<Property> the template mentions binds to a real options property.
        // (the Core's options and the Functions app's own, e.g. AcsFunctions:EventHubOutage)
        var sections = typeof(StorageOptions).Assembly.GetTypes().Concat(typeof(AcsFunctions.FunctionApp.StorageOutageOptions).Assembly.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.GetRawConstantValue() is string s && s.StartsWith("AcsFunctions:", StringComparison.Ordinal))
            .ToDictionary(x => ((string)x.Field!.GetRawConstantValue()!)["AcsFunctions:".Length..], x => x.Type, StringComparer.OrdinalIgnoreCase);
        // So does every one README, the docs and local.settings.sample.json tell an operator to set.
        // (A page of docs/ may name none; the README, the template and the sample each name some.)
        var documents = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md")
            .Select(path => ("docs/" + Path.GetFileName(path), File.ReadAllText(path)));
        foreach (var (source, content) in new[]
                 {
                     ("the template", text),
                     ("README.md", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"))),
                     ("local.settings.sample.json", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json"))),
                 }.Concat(documents))
        {
            var mentioned = SettingName().Matches(content).Select(m => (Section: m.Groups[1].Value, Property: m.Groups[2].Value)).Distinct().ToList();
            Assert.True(mentioned.Count > 0 || source.StartsWith("docs/", StringComparison.Ordinal), $"{source} names no AcsFunctions__ setting");
            foreach (var (section, property) in mentioned)
            {
                Assert.True(sections.TryGetValue(section, out var type), $"{source}: AcsFunctions__{section}__{property}: no options class has SectionName AcsFunctions:{section} (known: {string.Join(", ", sections.Keys)})");
                Assert.True(type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null, $"{source}: AcsFunctions__{section}__{property}: {type.Name} has no property {property}");
            }
        }
    }

    [Fact]
    public void The_identity_gets_the_receiver_table_and_blob_roles()
    {
        var roles = _compiled.Resources("Microsoft.Authorization/roleAssignments").ToList();
        Assert.True(roles.Count >= 3, $"expected at least 3 role assignments, got {roles.Count}");
        Assert.All(roles, r => Assert.StartsWith("[guid(", (string?)r["name"], StringComparison.Ordinal));
        var rolesTemplate = string.Join("\n", _compiled.NestedTemplatesContaining("Microsoft.Authorization/roleAssignments").Select(t => t.ToJsonString()));
        foreach (var (role, id) in new[]
                 {
                     ("Azure Event Hubs Data Receiver", "a638d3c7-ab3a-418d-83e6-5f17a39d4fde"),
                     ("Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"),
                     ("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"),
                     ("Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb"),
                     ("Monitoring Reader", "43d0d8ad-25c7-4714-9337-8ba259a9fe05"),
                 })
        {
            Assert.True(rolesTemplate.Contains(id, StringComparison.OrdinalIgnoreCase), $"{role} ({id}) is not assigned");
        }
    }

    [Fact]
    public void The_ACS_diagnostic_setting_streams_allLogs_to_the_hub_and_the_workbook_is_the_shipped_file()
    {
        var setting = Assert.Single(_compiled.Resources("Microsoft.Insights/diagnosticSettings"), s => ((string?)s["scope"])!.Contains("Microsoft.Communication/communicationServices", StringComparison.Ordinal));
        var logs = setting["properties"]!["logs"]!.AsArray();
        Assert.Contains(logs, l => (string?)l!["categoryGroup"] == "allLogs" && l["enabled"]!.GetValue<bool>());
        Assert.NotNull(setting["properties"]!["eventHubAuthorizationRuleId"]);
        Assert.NotNull(setting["properties"]!["eventHubName"]);

        var workbookTemplate = _compiled.NestedTemplateContaining("Microsoft.Insights/workbooks");
        var workbookFile = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "workbook", "acs-diagnostics.workbook.json")));
        Assert.Contains(workbookTemplate["variables"]!.AsObject(), v => JsonNode.DeepEquals(Compiled.ArmLiteral(v.Value), workbookFile));
    }

    private static void AssertClean(string command, string output)
    {
        var (diagnostics, other) = BicepDiagnostic.Parse(output);
        var problems = diagnostics.Where(d => d.Level is "Error" or "Warning").ToList();
        Assert.True(problems.Count == 0 && other.Count == 0, $"{command} reported {problems.Count} error(s)/warning(s):\n{output}");
    }

    [GeneratedRegex(@"\blist[A-Z][A-Za-z]*\(")]
    private static partial Regex ListFunctionCall();

    [GeneratedRegex(@"AcsFunctions(?:__|:)([A-Za-z]+)(?:__|:)([A-Za-z]+)")]
    private static partial Regex SettingName();

    /// <summary>builds and lints infra/**/*.bicep once (the two CLI runs in parallel) for the whole class.</summary>
    public sealed class Compiled : IAsyncLifetime
    {
        /// <summary>The .bicep files found.</summary>
        public IReadOnlyList<string> BicepFiles { get; private set; } = [];

        /// <summary>Where the templates were written.</summary>
        public string OutDir { get; } = Directory.CreateTempSubdirectory("acs-bicep-build-").FullName;

        /// <summary>The build run.</summary>
        public (int Exit, string Output, string Error) Build { get; private set; }

        /// <summary>The lint run.</summary>
        public (int Exit, string Output, string Error) Lint { get; private set; }

        /// <summary>The compiled main.json as text.</summary>
        public string MainTemplateText { get; private set; } = "";

        private JsonNode? _main;

        /// <summary>The compiled main.json.</summary>
        public JsonNode Main => _main ?? throw new InvalidOperationException("main.json was not built");

        /// <inheritdoc />
        public async Task InitializeAsync()
        {
            BicepFiles = Directory.GetFiles(RepositoryPaths.Infra, "*.bicep", SearchOption.AllDirectories);
            Assert.Contains(BicepFiles, f => Path.GetFileName(f) == "main.bicep");
            var build = BicepCli.RunAsync(RepositoryPaths.Infra, "build", "--pattern", "**/*.bicep", "--outdir", OutDir);
            var lint = BicepCli.RunAsync(RepositoryPaths.Infra, "lint", "--pattern", "**/*.bicep");
            Build = await build;
            Lint = await lint;
            var main = Path.Combine(OutDir, "main.json");
            if (File.Exists(main))
            {
                MainTemplateText = await File.ReadAllTextAsync(main);
                _main = JsonNode.Parse(MainTemplateText);
            }
        }

        /// <inheritdoc />
        public Task DisposeAsync()
        {
            Directory.Delete(OutDir, recursive: true);
            return Task.CompletedTask;
        }

        /// <summary>Resources of <paramref name="type"/> anywhere in main.json (modules are nested deployments).</summary>
        public IEnumerable<JsonObject> Resources(string type) =>
            Objects(_main ?? throw new InvalidOperationException("main.json was not built")).Where(o => o["type"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && string.Equals((string?)v, type, StringComparison.OrdinalIgnoreCase));

        /// <summary>The one nested template that declares a resource of <paramref name="type"/>.</summary>
        public JsonObject NestedTemplateContaining(string type) => NestedTemplatesContaining(type).Single();

        /// <summary>The nested templates (modules) that declare a resource of <paramref name="type"/>.</summary>
        public IEnumerable<JsonObject> NestedTemplatesContaining(string type) =>
            Objects(_main ?? throw new InvalidOperationException("main.json was not built"))
                .Where(o => o["$schema"] is not null && ResourcesOf(o).Any(r => string.Equals((string?)r?["type"], type, StringComparison.OrdinalIgnoreCase)));

        /// <summary>
        /// What ARM makes of a literal template value: a string that starts with <c>[[</c> is the escaped literal that
        /// starts with <c>[</c> (an unescaped <c>[</c> would start an expression); everything else as it is.
        /// </summary>
        public static JsonNode? ArmLiteral(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, ArmLiteral(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(ArmLiteral)]),
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String && ((string)v!).StartsWith("[[", StringComparison.Ordinal) => JsonValue.Create(((string)v!)[1..]),
            _ => node?.DeepClone(),
        };

        /// <summary>A template's resources: an array, or (languageVersion 2.0, symbolic names) an object by name.</summary>
        private static IEnumerable<JsonNode?> ResourcesOf(JsonObject template) => template["resources"] switch
        {
            JsonArray array => array,
            JsonObject byName => byName.Select(p => p.Value),
            _ => [],
        };

        private static IEnumerable<JsonObject> Objects(JsonNode node)
        {
            switch (node)
            {
                case JsonObject obj:
                    yield return obj;
                    foreach (var (_, child) in obj)
                    {
                        if (child is not null)
                        {
                            foreach (var o in Objects(child))
                            {
                                yield return o;
                            }
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        if (child is not null)
                        {
                            foreach (var o in Objects(child))
                            {
                                yield return o;
                            }
                        }
                    }

                    break;
            }
        }
    }
}
