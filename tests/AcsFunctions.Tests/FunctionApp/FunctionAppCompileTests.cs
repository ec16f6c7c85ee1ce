namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// The Functions app cannot be built offline (its packages are on the public feed only), so this compiles its sources
/// against the real core: any error other than an unresolved Functions SDK name fails — and deliberately broken
/// copies prove the check catches mistakes in the calls into the core.
/// </summary>
public sealed class FunctionAppCompileTests
{
    [Fact]
    public void The_app_compiles_against_the_core_apart_from_the_sdk_names()
    {
        var sources = FunctionAppCompiler.ReadSources();

        Assert.Contains("Program.cs", sources.Keys);
        Assert.Contains("IngestDiagnosticsFunction.cs", sources.Keys);
        Assert.Contains("RollupAggregatesFunction.cs", sources.Keys);
        Assert.Contains("QueryFunction.cs", sources.Keys);
        Assert.Empty(FunctionAppCompiler.Problems(sources));
    }

    [Theory]
    [InlineData("IngestDiagnosticsFunction.cs", "_ingestor.IngestAsync(", "_ingestor.IngestAsnyc(", "CS1061")]
    [InlineData("IngestDiagnosticsFunction.cs", "sequenceNumberArray, offsetArray, bindingData", "offsetArray, sequenceNumberArray, bindingData", "CS1503")]
    [InlineData("RollupAggregatesFunction.cs", "_rollup.RunAsync(pastDue, cancellationToken)", "_rollup.RunAsync(cancellationToken, pastDue)", "CS1503")]
    [InlineData("QueryFunction.cs", "_endpoint.HandleAsync(kind, query, cancellationToken)", "_endpoint.HandleAsync(kind, 42, cancellationToken)", "CS1503")]
    [InlineData("QueryFunction.cs", "answer.StatusCode", "answer.Status", "CS1061")]
    [InlineData("Program.cs", "services.AddAcsFunctionsCore(configuration)", "services.AddAcsFunctionsCore()", "CS7036")]
    [InlineData("Program.cs", "PrivacyStartupValidator.EnsureValid(", "PrivacyStartupValidator.Validate(", "CS0117")]
    [InlineData("RollupAggregatesFunction.cs", "TimerInfo timer", "TimerInformation timer", "CS0246")]
    [InlineData("IngestDiagnosticsFunction.cs", "private readonly EventHubBatchIngestor _ingestor;", "private readonly EventHubBatchIngest _ingestor;", "CS0246")]
    public void A_broken_copy_is_reported(string file, string original, string broken, string expectedId)
    {
        var sources = new Dictionary<string, string>(FunctionAppCompiler.ReadSources(), StringComparer.Ordinal);
        Assert.Contains(original, sources[file], StringComparison.Ordinal);
        sources[file] = sources[file].Replace(original, broken, StringComparison.Ordinal);

        var problems = FunctionAppCompiler.Problems(sources);

        Assert.Contains(problems, p => p.Contains(file, StringComparison.Ordinal) && p.Contains($"error {expectedId}", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_name_outside_the_allow_list_is_reported()
    {
        var sources = new Dictionary<string, string>(FunctionAppCompiler.ReadSources(), StringComparer.Ordinal)
        {
            ["Extra.cs"] = "namespace AcsFunctions.FunctionApp; internal static class Extra { public static int Value => MissingHelper.Compute(); }",
        };

        var problems = FunctionAppCompiler.Problems(sources);

        Assert.Contains(problems, p => p.Contains("error CS0103", StringComparison.Ordinal) && p.Contains("MissingHelper", StringComparison.Ordinal));
    }
}
