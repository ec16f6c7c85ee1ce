using System.CommandLine;
using AcsFunctions.Queries;
using AcsFunctions.Storage;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// A required ISO-8601 time option (the same strict forms as query times, within <see cref="EventTimeRange"/>); a time
/// without an offset is taken as UTC (never the machine's zone). Anything else is a parse error: exit code 2.
/// </summary>
internal static class UtcTimeOption
{
    public static Option<DateTimeOffset> Create(string name, string description) => new(name)
    {
        Description = description + " ISO-8601; without an offset the time is UTC.",
        Required = true,
        CustomParser = result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (QueryTime.TryParseIso(token, out var value) && EventTimeRange.ContainsQueryBound(value))
            {
                return value;
            }

            result.AddError($"{name}: '{token}' is not an ISO-8601 time (e.g. 2025-03-04T10:00:00Z).");
            return default;
        },
    };
}
