using System.Text.Json;
using System.Text.RegularExpressions;
using AcsFunctions.FunctionApp;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// The function metadata the worker SDK's source generator compiled into the app (what the worker reports to the
/// Functions host at start-up), read through the generated <see cref="GeneratedFunctionMetadataProvider"/>.
/// </summary>
internal static partial class GeneratedMetadata
{
    /// <summary>Every function by name, with its raw bindings parsed.</summary>
    public static async Task<IReadOnlyDictionary<string, (string EntryPoint, string ScriptFile, IReadOnlyList<JsonElement> Bindings)>> FunctionsAsync()
    {
        var metadata = await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(AppContext.BaseDirectory);
        return metadata.ToDictionary(
            f => f.Name!,
            f => (f.EntryPoint!, f.ScriptFile!, (IReadOnlyList<JsonElement>)[.. f.RawBindings!.Select(b => JsonDocument.Parse(b).RootElement.Clone())]),
            StringComparer.Ordinal);
    }

    /// <summary>The <c>%name%</c> app settings every binding resolves, and every <c>connection</c> name.</summary>
    public static async Task<(IReadOnlySet<string> Expressions, IReadOnlySet<string> Connections)> SettingsAsync()
    {
        var expressions = new SortedSet<string>(StringComparer.Ordinal);
        var connections = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var binding in (await FunctionsAsync()).Values.SelectMany(f => f.Bindings))
        {
            foreach (var property in binding.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                expressions.UnionWith(Expression().Matches(property.Value.GetString()!).Select(m => m.Groups[1].Value));
                if (string.Equals(property.Name, "connection", StringComparison.OrdinalIgnoreCase))
                {
                    connections.Add(property.Value.GetString()!);
                }
            }
        }

        return (expressions, connections);
    }

    [GeneratedRegex("%([A-Za-z0-9_:.]+)%")]
    private static partial Regex Expression();
}
