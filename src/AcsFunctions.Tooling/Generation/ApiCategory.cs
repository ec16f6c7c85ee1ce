namespace AcsFunctions.Generation;

/// <summary>An API-request category and how its records look on the wire.</summary>
/// <param name="Category">The category string.</param>
/// <param name="Weight">Share of all API requests.</param>
/// <param name="Versions">api-versions in use (the first is the most common).</param>
/// <param name="Operations">Its operations.</param>
/// <param name="SdkTypes">Values of <c>SdkType</c>.</param>
internal sealed record ApiCategory(
    string Category,
    double Weight,
    IReadOnlyList<string> Versions,
    IReadOnlyList<ApiOperation> Operations,
    IReadOnlyList<string> SdkTypes)
{
    /// <summary>Whether <c>resultSignature</c> is a JSON number (int columns: Call Automation, Call Recording) rather than a string.</summary>
    public bool NumericSignature { get; init; }

    /// <summary>Whether records carry <c>durationMs</c> (Rooms does not).</summary>
    public bool HasDuration { get; init; } = true;

    /// <summary>Whether <c>durationMs</c> has a fraction (Job Router: <c>"73.3857"</c>).</summary>
    public bool FractionalDuration { get; init; }

    /// <summary>The operations with their weights, for weighted picks.</summary>
    public IReadOnlyList<(ApiOperation Item, double Weight)> Weighted { get; } = Operations.Select(o => (o, o.Weight)).ToArray();
}
