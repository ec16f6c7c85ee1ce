using System.Collections.Immutable;
using AcsFunctions.Hosting;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// Compiles the Functions app's sources (which need the public-feed worker packages) against the real core assembly
/// and the framework, and keeps every diagnostic except "this Functions SDK name cannot be resolved". The app keeps
/// its SDK-typed values in locals of core/framework types before calling the core, so those calls are fully checked.
/// </summary>
internal static class FunctionAppCompiler
{
    /// <summary>Unresolved-name errors that are tolerated when the name is a Functions SDK name.</summary>
    public static readonly ImmutableHashSet<string> UnresolvedIds = ["CS0246", "CS0234", "CS0103", "CS1061"];

    /// <summary>The Functions SDK names (types, attributes without the suffix, namespaces, extension methods) the app may use.</summary>
    public static readonly ImmutableHashSet<string> SdkNames = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Azure", "Functions", "Worker", "Builder", "Http",
        "Function", "FunctionAttribute",
        "EventHubTrigger", "EventHubTriggerAttribute",
        "TimerTrigger", "TimerTriggerAttribute", "TimerInfo",
        "HttpTrigger", "HttpTriggerAttribute", "HttpRequestData", "HttpResponseData",
        "FunctionContext", "AuthorizationLevel",
        "ExponentialBackoffRetry", "ExponentialBackoffRetryAttribute",
        "FunctionsApplication", "FunctionsApplicationBuilder",
        "CreateResponse", "WriteStringAsync");

    /// <summary>The app's source folder.</summary>
    public static string SourceFolder => Path.Combine(RepositoryPaths.Root, "src", "AcsFunctions.FunctionApp");

    /// <summary>The app's sources, by file name.</summary>
    public static IReadOnlyDictionary<string, string> ReadSources() =>
        Directory.GetFiles(SourceFolder, "*.cs").Order(StringComparer.Ordinal)
            .ToDictionary(p => Path.GetFileName(p), File.ReadAllText, StringComparer.Ordinal);

    /// <summary>Compiles <paramref name="sources"/> and returns every diagnostic that is not a tolerated SDK name.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Value, parse, path: s.Key)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "ImplicitUsings.g.cs"));
        var compilation = CSharpCompilation.Create(
            "AcsFunctions.FunctionApp",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !IsSdkName(d))
            .Select(d => d.ToString())
            .ToList();
    }

    private static bool IsSdkName(Diagnostic diagnostic)
    {
        if (!UnresolvedIds.Contains(diagnostic.Id) || diagnostic.Location.SourceTree is not { } tree)
        {
            return false;
        }

        // The name the compiler could not resolve is the token at the start of the span (Foo, Foo<T>, a.Foo → Foo).
        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var name = node switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax s => s.Identifier.ValueText,
            _ => tree.GetText().ToString(diagnostic.Location.SourceSpan),
        };
        return SdkNames.Contains(name);
    }

    private static IEnumerable<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Append(typeof(AcsFunctionsServiceCollectionExtensions).Assembly.Location);
        return paths
            .Where(p => !Path.GetFileName(p).StartsWith("AcsFunctions.Tests", StringComparison.Ordinal))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => MetadataReference.CreateFromFile(g.First()));
    }

    /// <summary>The global usings Microsoft.NET.Sdk adds with ImplicitUsings.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;
}
