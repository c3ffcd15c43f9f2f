using System;
using System.Globalization;

namespace Sdk.Placement;

/// <param name="NodeCount">Nodes of the input graph.</param>
/// <param name="UnitCount">Units the DP places: groups of colour classes (cycles fused, free classes merged).</param>
/// <param name="MergedClasses">Zero-cost classes folded into their only neighbour.</param>
/// <param name="FreeGroups">Groups that cannot cost anything, left out of the DP and placed after it.</param>
/// <param name="IdealCount">Ideals of the unit DAG; when over budget, a lower bound (found so far, or 2^(widest antichain level)).</param>
/// <param name="PairsExamined">(set, subset) pairs and index steps the DPs examined, over all their layers: the effort that <see cref="PlacementSolverOptions.MaxIdealPairs"/> bounds.</param>
/// <param name="Elapsed">Wall time of the whole solve.</param>
public sealed record PlacementStats(
    int NodeCount,
    int UnitCount,
    int MergedClasses,
    int FreeGroups,
    long IdealCount,
    long PairsExamined,
    TimeSpan Elapsed)
{
    /// <summary>The ideal count for people: a wide DAG's lower bound of 2^62 or more reads "2^62".</summary>
    public string IdealCountText => IdealCount == long.MaxValue ? "2^62" : IdealCount.ToString(CultureInfo.InvariantCulture);
}
