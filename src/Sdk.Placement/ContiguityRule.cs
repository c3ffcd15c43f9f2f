namespace Sdk.Placement;

/// <summary>Which device sets count as contiguous (for the brute-force solver; the DP always uses PipelineOrder).</summary>
public enum ContiguityRule
{
    /// <summary>
    /// The devices can be ordered so that every prefix of the order holds a downward-closed set (an ideal) of the
    /// forward graph: each device gets the difference of two nested ideals of one chain. This is exactly the family
    /// the ideal DP optimises over (and the reference's DP); equivalently, no data flows back to an earlier device.
    /// </summary>
    PipelineOrder,

    /// <summary>
    /// Each device set on its own is convex (no path leaves it and comes back), as in the paper's definition of a
    /// contiguous set and the reference IP's constraint. Weaker than PipelineOrder: two convex sets may still feed
    /// each other, so the optimum here can be lower than the DP's.
    /// </summary>
    ConvexSets,
}
