using System;

namespace Sdk.Placement;

/// <summary>
/// The cost oracle of a <see cref="PipelineProblem"/>: what one chip running one run of the node order costs. The
/// solver knows nothing else about chips, links or nodes.
/// </summary>
public interface IPipelineCosts
{
    /// <summary>
    /// Exact cost, in seconds per sample, of chip <paramref name="chip"/> running nodes [start, end) when each frontier
    /// tensor frontier[t] (a node &lt; start whose output some node &gt;= start reads) lives on chip frontierChips[t]
    /// (&lt; chip). Returns the max of that chip's load and the loads of the directed links this run completes (every
    /// link into <paramref name="chip"/>, and their reverse links, which carry gradients in training); +infinity when
    /// infeasible (memory, a node the chip cannot run, ...).
    /// </summary>
    double RunCost(int start, int end, int chip, ReadOnlySpan<int> frontier, ReadOnlySpan<int> frontierChips);

    /// <summary>A lower bound of RunCost that never decreases as <paramref name="end"/> grows (e.g. pure compute time), for pruning.</summary>
    double RunLowerBound(int start, int end, int chip);
}
