namespace Sdk.Placement;

/// <summary>A data dependency. <paramref name="Cost"/> is the time to move the source node's output
/// between a device and host memory; every edge leaving one node must carry the same cost.</summary>
public sealed record PlacementEdge(int SourceId, int DestId, double Cost);
