namespace AcsFunctions.Queries;

/// <summary>The parameters a query kind accepts besides <c>from</c>/<c>to</c>; any other one is rejected.</summary>
[Flags]
public enum QueryFilters
{
    /// <summary>Only the time range.</summary>
    None = 0,

    /// <summary><c>interval</c>: rows of coarser windows, merged from the 1-minute rows.</summary>
    Interval = 1,

    /// <summary><c>resource</c>: the ACS resource name.</summary>
    Resource = 2,

    /// <summary><c>category</c>.</summary>
    Category = 4,

    /// <summary><c>operation</c>.</summary>
    Operation = 8,
}
