using System.Reflection;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>Paths baked into the test assembly at build time (AssemblyMetadata in the test project).</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root (where AcsFunctions.sln is).</summary>
    public static string Root { get; } = Path.GetFullPath(Metadata("RepositoryRoot"));

    /// <summary>The <c>infra</c> folder (Bicep and the workbook).</summary>
    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>The bicep CLI restored from the Azure.Bicep.CommandLine.linux-x64 package.</summary>
    public static string BicepPackageExecutable { get; } = Metadata("BicepPath");

    private static string Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no AssemblyMetadata '{key}' (see AcsFunctions.Tests.csproj).");
}
