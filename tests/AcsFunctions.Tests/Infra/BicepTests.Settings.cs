using System.Text.RegularExpressions;
using AcsFunctions.Tests.FunctionApp;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// What an operator reads against what the template does: every app setting the Functions bindings resolve is set by
/// the template, and the deploy reference (docs/deploy.md, moved out of README by issue 16) lists every template parameter
/// and every app setting the template sets.
/// </summary>
public sealed partial class BicepTests
{
    private static readonly string _deployDoc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "deploy.md"));

    [Fact]
    public async Task Every_setting_the_function_bindings_resolve_is_set_by_the_template()
    {
        // The binding metadata the worker SDK generated (what the host indexes), not the attributes' source text.
        var settings = TemplateAppSettings();
        var (expressions, connections) = await GeneratedMetadata.SettingsAsync();
        Assert.Contains("RollupSchedule", expressions);
        Assert.Contains("EventHubConnection", connections);

        Assert.All(expressions, name => Assert.True(settings.Contains(name), $"%{name}% is bound in the Functions app but the template sets no app setting {name}"));

        // An identity-based connection is the prefix of <name>__fullyQualifiedNamespace (Event Hubs) or <name>__accountName.
        Assert.All(connections, name => Assert.True(
            settings.Contains(name) || settings.Contains(name + "__fullyQualifiedNamespace") || settings.Contains(name + "__accountName"),
            $"connection '{name}' has no app setting {name} or {name}__fullyQualifiedNamespace in the template"));
    }

    [Fact]
    public void DeployDoc_lists_every_template_parameter_and_every_app_setting_the_template_sets()
    {
        var parameters = Regex.Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "main.bicep")), @"^param (\w+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var documented = TableNames(_deployDoc);
        Assert.Contains("baseName", parameters);
        var missingParameters = parameters.Where(p => !documented.Contains(p)).ToList();
        Assert.True(missingParameters.Count == 0, $"docs/deploy.md documents no parameter {string.Join(", ", missingParameters)}");

        var settings = TemplateAppSettings();
        var missingSettings = settings.Where(s => !documented.Contains(s)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missingSettings.Count == 0, $"docs/deploy.md does not list the app settings {string.Join(", ", missingSettings)}");
    }

    /// <summary>
    /// The app setting names the template sets: the object keys of main.bicep's <c>appSettings</c> and functionapp.bicep's
    /// <c>hostStorageSettings</c> (string literals removed first, so nothing inside a value counts).
    /// </summary>
    private static HashSet<string> TemplateAppSettings()
    {
        static IEnumerable<string> Keys(string file, string start, string end)
        {
            var text = File.ReadAllText(Path.Combine(RepositoryPaths.Infra, file));
            var from = text.IndexOf(start, StringComparison.Ordinal);
            Assert.True(from >= 0, $"{file} has no '{start}'");
            var block = text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
            return Regex.Matches(Regex.Replace(block, @"'(?:[^'\\]|\\.)*'", "''"), @"\b([A-Za-z][A-Za-z0-9_]*)\s*:").Select(m => m.Groups[1].Value);
        }

        var names = Keys("main.bicep", "var appSettings = union(", "additionalAppSettings\n)")
            .Concat(Keys(Path.Combine("modules", "functionapp.bicep"), "var hostStorageSettings = {", "}"))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("AcsFunctions__Storage__TableServiceUri", names);
        Assert.Contains("AzureWebJobsStorage__accountName", names);
        return names;
    }

    /// <summary>
    /// Every name in backticks in the first column of the section's tables; <c>`X__a`, `__b`</c> stands for
    /// <c>X__a</c> and <c>X__b</c> (a name starting with <c>__</c> takes the prefix of the name before it).
    /// </summary>
    private static HashSet<string> TableNames(string section)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var previous = "";
            foreach (var name in Regex.Matches(line.Split('|')[1], "`([^`]+)`").Select(m => m.Groups[1].Value))
            {
                var full = name.StartsWith("__", StringComparison.Ordinal) && previous.Contains("__", StringComparison.Ordinal)
                    ? previous[..previous.LastIndexOf("__", StringComparison.Ordinal)] + name
                    : name;
                names.Add(full);
                previous = full;
            }
        }

        return names;
    }
}
