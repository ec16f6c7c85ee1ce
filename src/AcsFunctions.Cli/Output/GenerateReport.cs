using System.Globalization;
using AcsFunctions.Generation;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>Renders a <see cref="GenerationSummary"/> (tables or JSON) and the progress of a long generation.</summary>
internal static class GenerateReport
{
    /// <summary>Runs <paramref name="work"/> with a progress bar on standard error when it is a terminal.</summary>
    public static async Task<GenerationSummary> WithProgressAsync(GeneratorOptions options, Func<IProgress<GenerationProgress>?, Task<GenerationSummary>> work)
    {
        var records = (long)options.Calls * 20 + options.ApiRequests + options.EffectiveEmails * 3;
        if (Console.IsErrorRedirected || records < 50_000)
        {
            return await work(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        GenerationSummary summary = null!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Generating", maxValue: options.Minutes);
                var progress = new Progress<GenerationProgress>(p =>
                {
                    task.Value = Math.Min(p.Minute, p.Minutes);
                    task.Description = $"Generating ({p.Bodies:N0} bodies, {p.Bytes / 1_048_576.0:N1} MiB)";
                });
                summary = await work(progress);
                task.Value = options.Minutes;
            });
        return summary;
    }

    public static void Write(GenerationSummary summary, GeneratorOptions options, string? directory, bool json, bool toStderr)
    {
        if (json)
        {
            var text = System.Text.Json.JsonSerializer.Serialize(summary, Json.Options);
            (toStderr ? Console.Error : Console.Out).WriteLine(text);
            return;
        }

        var console = toStderr ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;
        var table = new Table().Title("[bold]Generated records per category[/] (distinct, as they will be stored)")
            .AddColumn("Category").AddColumn(new TableColumn("Records").RightAligned());
        foreach (var (category, count) in summary.RecordsByCategory)
        {
            table.AddRow(Markup.Escape(category), N(count));
        }

        console.Write(table);
        var facts = new Table().Title("[bold]Ground truth[/]").AddColumn("Fact").AddColumn(new TableColumn("Count").RightAligned());
        facts.AddRow("calls", N(summary.Calls));
        facts.AddRow("media streams", N(summary.Streams));
        facts.AddRow("poor streams", N(summary.PoorStreams));
        foreach (var (fact, count) in summary.Facts)
        {
            facts.AddRow(Markup.Escape(fact), N(count));
        }

        console.Write(facts);
        if (summary.DeadLettersByReason.Count > 0)
        {
            var dead = new Table().Title("[bold]Malformed units[/] (expected dead letters)").AddColumn("Reason").AddColumn(new TableColumn("Distinct").RightAligned());
            foreach (var (reason, count) in summary.DeadLettersByReason)
            {
                dead.AddRow(Markup.Escape(reason), N(count));
            }

            console.Write(dead);
        }

        console.MarkupLine(
            $"[bold]{N(summary.Bodies)}[/] {(summary.Bodies == 1 ? "body" : "bodies")} ({summary.Bytes / 1_048_576.0:N1} MiB; {N(summary.DuplicateBodies)} re-delivered, {N(summary.LateBodies)} late, {N(summary.MalformedBodies)} malformed), " +
            $"[bold]{N(summary.Units)}[/] units: {N(summary.DistinctRecords)} distinct records, {N(summary.DistinctDeadLetters)} distinct dead letters — seed {options.Seed.ToString(CultureInfo.InvariantCulture)}, " +
            $"from {options.EffectiveStart:yyyy-MM-dd HH:mm}Z" + (directory is null ? string.Empty : $", in {Markup.Escape(directory)}"));
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
