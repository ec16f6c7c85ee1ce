namespace AcsFunctions.Tests.Reliability;

/// <summary>What a clean, in-order ingest of <see cref="ReliabilityStream"/> leaves: the ingestion tables, then the aggregates.</summary>
/// <param name="Tables">Records, call records, dead letters and roll-up marks (see <see cref="ReliabilityStream.SnapshotAsync"/>).</param>
/// <param name="Aggregates">Every aggregate table after one roll-up.</param>
public sealed record CleanRun(List<string> Tables, List<string> Aggregates);
