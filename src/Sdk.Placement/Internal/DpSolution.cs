using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// A DP's answer: the max-load, the kind of device of each pipeline stage (in pipeline order), the stage of every
/// unit, and how much work it took.
/// </summary>
internal sealed class DpSolution
{
    public DpSolution(double maxLoad, IReadOnlyList<DeviceKind> stageKinds, int[] stageOfUnit)
    {
        MaxLoad = maxLoad;
        StageKinds = stageKinds;
        StageOfUnit = stageOfUnit;
    }

    /// <summary>+infinity when no placement fits (or none beats the upper bound given to the DP).</summary>
    public double MaxLoad { get; }

    public IReadOnlyList<DeviceKind> StageKinds { get; }

    public int[] StageOfUnit { get; }
}
