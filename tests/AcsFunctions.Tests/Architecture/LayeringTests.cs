using AcsFunctions.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AcsFunctions.Tests.Architecture;

/// <summary>
/// The namespace dependencies of AcsFunctions.Core, read from its sources with the C# compiler's semantic model (every
/// type or member a file names or an expression has, not its using directives): the layering the architecture
/// promises (docs/architecture.md, "Layering").
/// </summary>
public sealed class LayeringTests
{
    /// <summary>The namespaces whose dependencies are read (binding all of Core would take a minute).</summary>
    private static readonly string[] Read = ["AcsFunctions.Rollups", "AcsFunctions.Queries", "AcsFunctions.Storage", "AcsFunctions.Health"];

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Graph = new(CoreNamespaceGraph);

    [Fact]
    public void Queries_depend_on_rollups_and_rollups_never_on_queries()
    {
        // Queries read what the roll-up writes; the roll-up (and its registration) knows nothing of queries.
        Assert.Contains("AcsFunctions.Rollups", Uses("AcsFunctions.Queries"));
        Assert.DoesNotContain("AcsFunctions.Queries", Uses("AcsFunctions.Rollups"));
    }

    [Fact]
    public void Storage_depends_on_neither_rollups_nor_queries()
    {
        // Shared table reads (TableReads, ReadCost) live in Storage, used by roll-ups, queries, health and drift.
        Assert.Contains("AcsFunctions.Storage", Uses("AcsFunctions.Rollups"));
        Assert.Contains("AcsFunctions.Storage", Uses("AcsFunctions.Health"));
        Assert.DoesNotContain("AcsFunctions.Rollups", Uses("AcsFunctions.Storage"));
        Assert.DoesNotContain("AcsFunctions.Queries", Uses("AcsFunctions.Storage"));
    }

    [Fact]
    public void Core_declares_no_tooling_namespace()
    {
        var declared = CoreSources(CSharpParseOptions.Default)
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
            .Select(d => d.Name.ToString())
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("AcsFunctions.Rollups", declared);
        Assert.DoesNotContain(declared, ns => ns.StartsWith("AcsFunctions.Generation", StringComparison.Ordinal) || ns.StartsWith("AcsFunctions.Benchmarks", StringComparison.Ordinal));
    }

    private static IReadOnlySet<string> Uses(string ns) =>
        Graph.Value.TryGetValue(ns, out var uses) ? uses : throw new InvalidOperationException($"No source file of AcsFunctions.Core is in namespace {ns}.");

    /// <summary>Namespace → the other AcsFunctions namespaces its code refers to.</summary>
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> CoreNamespaceGraph()
    {
        var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview).WithDocumentationMode(DocumentationMode.None);
        var trees = CoreSources(parse)
            .Append(CSharpSyntaxTree.ParseText(
                "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;",
                parse))
            .ToList();

        // What the built Core references, transitively (framework, Azure SDK, Microsoft.Extensions.*, Polly): the
        // sources bind as they do in the build.
        var references = ReferenceClosure(typeof(AcsFunctions.Storage.AcsStorage).Assembly).Select(a => MetadataReference.CreateFromFile(a.Location));
        var compilation = CSharpCompilation.Create("LayeringCore", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // Only what source generators would add ([LoggerMessage], [GeneratedRegex] bodies) may be missing; anything
        // else unresolved would make the graph silently incomplete.
        var read = compilation.SyntaxTrees
            .Where(t => t.GetRoot().DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Any(d => Read.Contains(d.Name.ToString())))
            .ToList();
        var unexpected = read.SelectMany(t => compilation.GetSemanticModel(t).GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id is not ("CS8795" or "CS9248"))
            .Take(10)
            .Select(d => d.ToString())
            .ToList();
        Assert.True(unexpected.Count == 0, "The Core sources do not bind:\n" + string.Join("\n", unexpected));

        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tree in read)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
            {
                var from = declaration.Name.ToString();
                var uses = graph.TryGetValue(from, out var set) ? set : graph[from] = new HashSet<string>(StringComparer.Ordinal);
                foreach (var node in declaration.DescendantNodes().Where(n => n is ExpressionSyntax or TypeSyntax))
                {
                    if (node.FirstAncestorOrSelf<UsingDirectiveSyntax>() is not null)
                    {
                        continue;
                    }

                    Add(uses, from, model.GetSymbolInfo(node).Symbol);
                    Add(uses, from, model.GetTypeInfo(node).Type);
                }
            }
        }

        return graph.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<SyntaxTree> CoreSources(CSharpParseOptions parse)
    {
        var sourceRoot = Path.Combine(RepositoryPaths.Root, "src", "AcsFunctions.Core");
        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal) && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f));
    }

    private static List<System.Reflection.Assembly> ReferenceClosure(System.Reflection.Assembly root)
    {
        var seen = new Dictionary<string, System.Reflection.Assembly>(StringComparer.Ordinal);
        var pending = new Queue<System.Reflection.Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (name.Name is { } key && !seen.ContainsKey(key))
                {
                    var loaded = System.Reflection.Assembly.Load(name);
                    seen[key] = loaded;
                    pending.Enqueue(loaded);
                }
            }
        }

        return [.. seen.Values.Where(a => !string.IsNullOrEmpty(a.Location))];
    }

    private static void Add(HashSet<string> uses, string from, ISymbol? symbol)
    {
        var type = symbol as ITypeSymbol ?? symbol?.ContainingType;
        while (type is IArrayTypeSymbol array)
        {
            type = array.ElementType;
        }

        if (type is INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
            {
                Add(uses, from, argument);
            }

            type = named.OriginalDefinition;
            while (type.ContainingType is { } outer)
            {
                type = outer;
            }
        }

        var ns = type?.ContainingNamespace?.ToDisplayString();
        if (ns is not null && ns.StartsWith("AcsFunctions", StringComparison.Ordinal) && ns != from)
        {
            uses.Add(ns);
        }
    }
}
