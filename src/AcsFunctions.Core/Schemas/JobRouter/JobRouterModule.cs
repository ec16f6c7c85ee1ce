using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.ApiRequests;

namespace AcsFunctions.Schemas.JobRouter;

/// <summary>JobRouterOperational (acs-data-contract §3.19): an API-request category with the router entity of its own.</summary>
public sealed class JobRouterModule : ApiRequestModule
{
    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        Request(
            Dispatch.Categories.JobRouterOperational,
            ["EntityId", "EntityType", "SdkType", "SdkVersion", "URI"],
            ["EntityId", "EntityType", "SdkType", "SdkVersion", "Uri"],
            unsampled: ["SdkVersion"]).Spec,
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new JobRouterHandler();
}
