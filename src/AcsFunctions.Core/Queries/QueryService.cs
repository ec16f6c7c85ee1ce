using System.Collections.Frozen;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Queries;

/// <summary>
/// Answers <c>acs-diag query</c>, <c>acs-diag serve</c> and the Functions HTTP API with one JSON contract:
/// validates the named parameters for the kind, runs it over the 1-minute aggregate rows (merged to the interval;
/// percentiles from merged histograms, never averaged) and returns the typed rows; the caller writes their JSON
/// (<see cref="QueryResult.WriteJsonAsync"/>) straight to its destination.
/// </summary>
public sealed class QueryService
{
    private readonly FrozenDictionary<string, IQueryKind> _kinds;
    private readonly TimeProvider _time;
    private readonly QueryOptions _options;
    private readonly ILogger<QueryService> _logger;
    private readonly PendingWindows? _pending;
    private readonly ExpiredWindows? _expired;

    /// <summary>Creates the service over every registered <see cref="IQueryKind"/>; <paramref name="pending"/> flags rows whose roll-up is pending.</summary>
    /// <exception cref="InvalidOperationException">Two kinds share a name.</exception>
    public QueryService(IEnumerable<IQueryKind> kinds, TimeProvider time, IOptions<QueryOptions> options, ILogger<QueryService> logger, PendingWindows? pending = null, ExpiredWindows? expired = null)
    {
        _pending = pending;
        _expired = expired;
        var map = new Dictionary<string, IQueryKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in kinds)
        {
            if (!map.TryAdd(kind.Name, kind))
            {
                throw new InvalidOperationException($"Query kind '{kind.Name}' is registered by both {map[kind.Name].GetType().Name} and {kind.GetType().Name}.");
            }
        }

        _kinds = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The views of a kind (<see cref="IQueryKind.Views"/>; empty when it has one shape).</summary>
    /// <exception cref="QueryParameterException">Unknown kind.</exception>
    public IReadOnlyList<string> ViewsOf(string kind) => Resolve(kind).Views;

    /// <summary>The kinds served, sorted.</summary>
    public IReadOnlyList<string> Kinds => [.. _kinds.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Validates <paramref name="values"/> (<c>from</c>, <c>to</c>, <c>interval</c>, <c>resource</c>, <c>category</c>, <c>operation</c>, <c>view</c>; any other name is a bad parameter) for <paramref name="kind"/>.</summary>
    /// <exception cref="QueryParameterException">Unknown kind, or a missing, malformed or inapplicable parameter.</exception>
    public QueryParameters Parse(string kind, IReadOnlyDictionary<string, string?> values)
    {
        var handler = Resolve(kind);
        try
        {
            return QueryParameters.Parse(handler.Name, values, handler.Filters, _time.GetUtcNow(), _options.MaxRange, handler.Views);
        }
        catch (QueryParameterException ex)
        {
            QueryLog.QueryRejected(_logger, handler.Name, ex.Message);
            throw;
        }
    }

    /// <summary>Parses and runs a query: the one entry point of the HTTP API and the CLI.</summary>
    /// <exception cref="QueryParameterException">Invalid parameters (CLI exit code 2, HTTP 400).</exception>
    /// <exception cref="StorageUnavailableException">Table storage cannot be reached (CLI exit code 3, HTTP 503).</exception>
    public Task<QueryResult> QueryAsync(string kind, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken = default) =>
        QueryAsync(Parse(kind, values), cancellationToken);

    /// <summary>Runs a validated query.</summary>
    /// <exception cref="StorageUnavailableException">Table storage cannot be reached (after the client's own retries).</exception>
    public async Task<QueryResult> QueryAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var started = _time.GetTimestamp();
        IReadOnlyList<object> rows;
        IReadOnlyList<DateTimeOffset> incomplete = [];
        IReadOnlyList<ExpiredWindow> expired = [];
        var kind = Resolve(parameters.Kind);
        var cost = new ReadCost();
        var outer = ReadCost.Current;
        try
        {
            ReadCost.Current = cost;
            var context = new QueryContext(); // this run's: the marks its page reads saw, for its flags
            rows = await kind.RunAsync(parameters, context, cancellationToken);
            if (_pending is not null)
            {
                // Read after the rows: a mark completed in between only over-flags; one added in between is newer than the rows anyway.
                incomplete = await _pending.ReadAsync(parameters, kind.AggregateTables, context, cancellationToken);
                rows = PendingWindows.Flag(rows, incomplete, parameters.Interval);
            }

            if (_expired is not null && kind.Filters.HasFlag(QueryFilters.Interval))
            {
                expired = await _expired.ReadAsync(parameters, kind.AggregateTables, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Reads go through the table client's retries; what is left is an outage (or a wrong endpoint).
            throw new StorageUnavailableException($"Table storage is unavailable for the {parameters.Kind} query: {TransientErrors.Describe(ex)}", ex);
        }
        finally
        {
            ReadCost.Current = outer;
            outer?.Add(cost.Queries, cost.Rows);
        }

        QueryLog.QueryCompleted(_logger, parameters.Kind, parameters.From, parameters.To, parameters.Interval.Name, rows.Count, _time.GetElapsedTime(started));
        return new QueryResult(parameters, rows)
        {
            IncompleteWindows = incomplete,
            Expired = expired,
            ReadQueries = cost.Queries,
            RowsRead = cost.Rows,
            RowType = kind.RowType(parameters.View),
            Windowed = kind.Filters.HasFlag(QueryFilters.Interval),
        };
    }

    /// <summary>The typed query of a kind (e.g. <see cref="ApiRequestsQuery"/> for its aggregates).</summary>
    /// <exception cref="QueryParameterException">Unknown kind.</exception>
    public T Kind<T>(string kind)
        where T : class, IQueryKind =>
        Resolve(kind) as T ?? throw new InvalidOperationException($"Kind '{kind}' is not a {typeof(T).Name}.");

    /// <summary>True when <paramref name="kind"/> names a served kind (as every other member resolves it: case-insensitive, trimmed).</summary>
    public bool HasKind(string? kind) => _kinds.ContainsKey(kind?.Trim() ?? string.Empty);

    private IQueryKind Resolve(string kind) =>
        _kinds.TryGetValue(kind?.Trim() ?? string.Empty, out var handler)
            ? handler
            : throw new QueryParameterException("kind", $"'{kind}' is not a query kind; use one of {string.Join(", ", Kinds)}.");
}
