namespace AcsFunctions.Generation;

/// <summary>One media stream of a session (one CallDiagnostics record per version).</summary>
/// <param name="MediaType">Audio, Video, VBSS or AppSharing.</param>
/// <param name="StreamId">Unique within the call.</param>
/// <param name="FromServer">True for the server's inbound stream to the participant (endpointType Server).</param>
/// <param name="Metrics">Its quality.</param>
internal sealed record CallStream(string MediaType, long StreamId, bool FromServer, StreamMetrics Metrics);
