namespace AcsFunctions.Queries;

/// <summary>
/// One kind of <see cref="QueryService"/> query (an extension point: register more as <see cref="IQueryKind"/>
/// singletons). Rows are plain records serialized with <see cref="QueryJson.Options"/>.
/// </summary>
public interface IQueryKind
{
    /// <summary>The kind's name in the CLI and the HTTP route (lower-case, e.g. <c>api-requests</c>).</summary>
    string Name { get; }

    /// <summary>The optional parameters the kind accepts; any other one is rejected.</summary>
    QueryFilters Filters { get; }

    /// <summary>
    /// The shapes the kind can answer in, chosen with the <c>view</c> parameter (the first is the default, each view has
    /// its own row type); empty when the kind has one shape and rejects <c>view</c>.
    /// </summary>
    IReadOnlyList<string> Views => [];

    /// <summary>
    /// The type of the rows <paramref name="view"/> answers with (a <see cref="Views"/> entry; null for a kind without
    /// views), so an answer without rows still has its columns (the CSV header). Null when not known: an empty answer
    /// then has no header.
    /// </summary>
    Type? RowType(string? view) => null;

    /// <summary>
    /// The aggregate tables the kind reads (logical names): their pending roll-up marks flag the answer's rows
    /// <c>incomplete</c> (<see cref="PendingWindows"/>). Empty for kinds that read no roll-up output.
    /// </summary>
    IReadOnlyList<string> AggregateTables => [];

    /// <summary>Runs the query.</summary>
    Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the query as one run of <see cref="QueryService"/>: a kind that reads aggregate tiles
    /// (<see cref="AggregateQuery.ReadTiledAsync"/>) passes <paramref name="context"/> to them, so the hour and day marks
    /// they read flag its rows. By default, <see cref="RunAsync(QueryParameters, CancellationToken)"/>.
    /// </summary>
    Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, QueryContext context, CancellationToken cancellationToken) => RunAsync(parameters, cancellationToken);
}
