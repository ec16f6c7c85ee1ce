using System.Reflection;
using System.Text.Json;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// The deployed Functions app carries no tooling: the stream generator (<c>AcsFunctions.Generation</c>) and the
/// benchmarks (<c>AcsFunctions.Benchmarks</c>) live in AcsFunctions.Tooling, which the CLI and the tests reference and
/// the Functions app does not (issue 16, "Tooling out of the runtime").
/// </summary>
public sealed class DependencyClosureTests
{
    private static readonly string[] ToolingNamespaces = ["AcsFunctions.Generation", "AcsFunctions.Benchmarks"];

    [Fact]
    public void The_function_apps_deps_json_lists_only_its_own_project_and_the_core()
    {
        // The build copies the referenced app's deps.json next to the tests: the closure the Functions host resolves from.
        var depsJson = Path.Combine(AppContext.BaseDirectory, "AcsFunctions.FunctionApp.deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsJson));

        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().ToList();
        var projects = libraries
            .Where(l => l.Value.GetProperty("type").GetString() == "project")
            .Select(l => l.Name.Split('/')[0])
            .Order(StringComparer.Ordinal);

        Assert.Equal(["AcsFunctions.Core", "AcsFunctions.FunctionApp"], projects);
        Assert.DoesNotContain(libraries, l => l.Name.StartsWith("AcsFunctions.Tooling/", StringComparison.Ordinal));
    }

    [Fact]
    public void No_assembly_the_function_app_loads_holds_generator_or_benchmark_types()
    {
        var closure = OwnAssemblyClosure(typeof(AcsFunctions.FunctionApp.FunctionAppHost).Assembly);

        Assert.Equal(["AcsFunctions.Core", "AcsFunctions.FunctionApp"], closure.Select(a => a.GetName().Name).Order(StringComparer.Ordinal));
        var toolingTypes = closure
            .SelectMany(a => a.GetTypes())
            .Where(t => ToolingNamespaces.Any(ns => t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal))))
            .Select(t => t.FullName);
        Assert.Empty(toolingTypes);
    }

    [Fact]
    public void The_generator_and_the_benchmarks_are_in_the_tooling_assembly()
    {
        // The check above is only meaningful if the tooling namespaces exist somewhere: here.
        var tooling = typeof(AcsFunctions.Generation.SyntheticStream).Assembly;

        Assert.Equal("AcsFunctions.Tooling", tooling.GetName().Name);
        Assert.Same(tooling, typeof(AcsFunctions.Benchmarks.IngestBenchmarks).Assembly);
    }

    /// <summary>The repository's own assemblies (AcsFunctions.*) reachable from <paramref name="root"/> by references.</summary>
    private static List<Assembly> OwnAssemblyClosure(Assembly root)
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal) { [root.GetName().Name!] = root };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is not { } name || !name.StartsWith("AcsFunctions.", StringComparison.Ordinal) || seen.ContainsKey(name))
                {
                    continue;
                }

                var loaded = Assembly.Load(reference);
                seen[name] = loaded;
                pending.Enqueue(loaded);
            }
        }

        return [.. seen.Values];
    }
}
