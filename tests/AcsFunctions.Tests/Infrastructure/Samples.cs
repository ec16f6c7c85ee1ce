using AcsFunctions.Decoding;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>Test data files (copied next to the test assembly).</summary>
public static class Samples
{
    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    /// <summary>A bundled sample body (samples/*.json at the repository root).</summary>
    public static EventBody Body(string sampleFile) => new(Bytes("samples/" + sampleFile), new Lineage { File = sampleFile });

    public static EventBody Text(string json, string name = "inline") => new(System.Text.Encoding.UTF8.GetBytes(json), new Lineage { File = name });
}
