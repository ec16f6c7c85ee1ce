using AcsFunctions.Cli.Output;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Issue 15, finding 7: directory ingest does not follow symbolic links to directories (a link back to a parent, a
/// two-link loop), so the walk ends and every real file is ingested once, whichever paths reach it.
/// </summary>
public sealed class SymlinkedDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("acs-links-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ExpandFiles_LinkBackToParent_EachFileOnce()
    {
        var a = Write("data/a.json");
        var b = Write("data/sub/b.ndjson");
        Directory.CreateSymbolicLink(Path.Combine(_root, "data/sub/up"), Path.Combine(_root, "data"));

        var files = Inputs.ExpandFiles([Path.Combine(_root, "data")]);

        Assert.Equal([a, b], files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExpandFiles_TwoLinkLoop_Terminates()
    {
        var x = Write("x/x.json");
        var y = Write("y/y.jsonl");
        Directory.CreateSymbolicLink(Path.Combine(_root, "x/to-y"), Path.Combine(_root, "y"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "y/to-x"), Path.Combine(_root, "x"));

        var files = Inputs.ExpandFiles([_root]);

        Assert.Equal([x, y], files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExpandFiles_SameFileThroughLinksAndArguments_Once()
    {
        var a = Write("data/a.json");
        File.CreateSymbolicLink(Path.Combine(_root, "data/alias.json"), a);
        var linkedDirectory = Path.Combine(_root, "linked");
        Directory.CreateSymbolicLink(linkedDirectory, Path.Combine(_root, "data"));

        // The directory, the file itself, the file link and the linked directory named on the command line.
        var files = Inputs.ExpandFiles([Path.Combine(_root, "data"), a, Path.Combine(_root, "data/alias.json"), linkedDirectory]);

        Assert.Single(files);
    }

    [Fact]
    public void ExpandFiles_LinkToADirectoryOutsideTheTree_NotFollowed()
    {
        var inside = Write("data/in.json");
        Write("elsewhere/out.json");
        Directory.CreateSymbolicLink(Path.Combine(_root, "data/out"), Path.Combine(_root, "elsewhere"));

        Assert.Equal([inside], Inputs.ExpandFiles([Path.Combine(_root, "data")]));
    }

    private string Write(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{}");
        return path;
    }
}
