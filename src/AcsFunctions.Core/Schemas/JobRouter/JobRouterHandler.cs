using AcsFunctions.Schemas.ApiRequests;

namespace AcsFunctions.Schemas.JobRouter;

/// <summary>
/// JobRouterOperational: the request columns of the API-request base and the router entity the request touched
/// (<c>EntityId</c>, <c>EntityType</c>: queue, job, worker, …) with the SDK that sent it.
/// </summary>
public sealed class JobRouterHandler() : ApiRequestHandler(new Dictionary<string, string[]>
{
    [Dispatch.Categories.JobRouterOperational] = ["EntityId", "EntityType", "SdkType", "SdkVersion", "Uri"],
});
