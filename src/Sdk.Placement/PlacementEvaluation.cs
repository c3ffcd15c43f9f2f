using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>The loads of a given placement and every rule it breaks (empty when valid).</summary>
public sealed record PlacementEvaluation(
    double MaxLoad,
    IReadOnlyList<DevicePlacement> Devices,
    IReadOnlyList<string> Violations)
{
    public bool IsValid => Violations.Count == 0;
}
