using System.Text;
using System.Text.RegularExpressions;
using AcsFunctions.Cli;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Docs;

/// <summary>
/// The README is the front door (issue 16): short, its command table lists every command the CLI registers, and every
/// relative link in README.md and docs/*.md reaches an existing file (and heading, when it names one), so reference
/// text moved out of the README stays reachable.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string _readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [Fact]
    public void Readme_CommandTable_ListsEveryCommandTheCliRegisters()
    {
        var start = _readme.IndexOf("<!-- section: commands -->", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no commands section");
        var end = _readme.IndexOf("<!-- section: ", start + 1, StringComparison.Ordinal);
        var table = end < 0 ? _readme[start..] : _readme[start..end];
        var listed = CommandRow().Matches(table).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var registered = CliRunner.CreateRoot().Subcommands.Select(c => c.Name).ToList();
        Assert.Contains("ingest", registered);
        Assert.Contains("query", registered);
        var missing = registered.Where(name => !listed.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"README's command table lists no row for: {string.Join(", ", missing)} (listed: {string.Join(", ", listed)})");
    }

    [Fact]
    public void Readme_StaysAFrontDoor()
    {
        var lines = _readme.Split('\n').Length;
        Assert.True(lines <= 250, $"README.md has {lines} lines; reference text belongs in docs/ (issue 16: at most ~250)");
    }

    [Fact]
    public void EveryRelativeLink_InReadmeAndDocs_ReachesAFileAndItsHeading()
    {
        var documents = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md").Prepend(Path.Combine(RepositoryPaths.Root, "README.md")).ToList();
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var document in documents)
        {
            foreach (var link in Links(File.ReadAllText(document)))
            {
                if (link.Contains("://", StringComparison.Ordinal) || link.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                checkedLinks++;
                var hash = link.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? link : link[..hash];
                var anchor = hash < 0 ? null : Uri.UnescapeDataString(link[(hash + 1)..]);
                var target = path.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(path)));
                var name = Path.GetRelativePath(RepositoryPaths.Root, document);
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    broken.Add($"{name}: ({link}) — no file {Path.GetRelativePath(RepositoryPaths.Root, target)}");
                }
                else if (anchor is not null && target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !Anchors(File.ReadAllText(target)).Contains(anchor))
                {
                    broken.Add($"{name}: ({link}) — {Path.GetFileName(target)} has no heading #{anchor}");
                }
            }
        }

        Assert.True(checkedLinks > 50, $"only {checkedLinks} relative links found: the link pattern no longer matches");
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Anchors_FollowGitHubHeadingIds()
    {
        var anchors = Anchors("# Roll-ups and queries\n## `acs-diag reconcile`\n## Range reads and coarse rows (issue #17)\n```\n# not a heading\n```\n## Limits\n## Limits\n");
        Assert.Equal(["roll-ups-and-queries", "acs-diag-reconcile", "range-reads-and-coarse-rows-issue-17", "limits", "limits-1"], anchors);
        Assert.Equal(["x.md", "y.md#a"], Links("see [x](x.md) and `[not](z.md)`\n```\n[no](w.md)\n```\n[y](y.md#a)").ToList());
    }

    /// <summary>Link targets outside code fences and inline code.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        Prose(markdown).SelectMany(line => LinkTarget().Matches(InlineCode().Replace(line, "")).Select(m => m.Groups[1].Value));

    /// <summary>The heading ids GitHub gives a page: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static List<string> Anchors(string markdown)
    {
        var ids = new List<string>();
        foreach (var line in Prose(markdown).Where(l => l.StartsWith('#')))
        {
            var text = line.TrimStart('#').Trim();
            var id = new StringBuilder();
            foreach (var c in text.ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    id.Append(c);
                }
                else if (c == ' ')
                {
                    id.Append('-');
                }
            }

            var slug = id.ToString();
            var repeats = ids.Count(existing => existing == slug || existing.StartsWith(slug + "-", StringComparison.Ordinal) && int.TryParse(existing[(slug.Length + 1)..], out _));
            ids.Add(repeats == 0 ? slug : $"{slug}-{repeats}");
        }

        return ids;
    }

    /// <summary>The lines of <paramref name="markdown"/> outside fenced code blocks.</summary>
    private static IEnumerable<string> Prose(string markdown)
    {
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (!fenced)
            {
                yield return line;
            }
        }
    }

    [GeneratedRegex(@"^\| `acs-diag ([a-z][a-z-]*)", RegexOptions.Multiline)]
    private static partial Regex CommandRow();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();
}
