using System;

namespace Sdk.Placement.Internal;

/// <summary>
/// A quick incumbent for the pipeline DP: for a target load T, fill the chips in order, each with the longest run
/// from where the last one stopped that costs at most T (a chip that can take nothing stays empty). Bisection on T
/// from the split with no target (every run as long as it fits) gives a good split in O(iterations x n) RunCost
/// calls; the DP only has to look for strictly better ones.
/// </summary>
internal sealed class PipelineGreedy
{
    private const int Iterations = 30;
    private readonly PipelineProblem problem;
    private readonly PipelineFrontiers frontiers;
    private readonly Effort effort;
    private readonly int[] chipOf;
    private readonly int[] frontierChips;

    public PipelineGreedy(PipelineProblem problem, PipelineFrontiers frontiers, Effort effort)
    {
        this.problem = problem;
        this.frontiers = frontiers;
        this.effort = effort;
        chipOf = new int[problem.NodeCount];
        frontierChips = new int[problem.NodeCount];
    }

    /// <summary>The best split found, or null (none fits, or the effort ran out first).</summary>
    public (double MaxLoad, int[] ChipOfNode)? Solve()
    {
        var best = Fill(double.PositiveInfinity);
        if (best is null)
        {
            return null;
        }

        double low = 0, high = best.Value.MaxLoad;
        for (var i = 0; i < Iterations && high > low && effort.Limit == EffortLimit.None; i++)
        {
            var target = low + ((high - low) / 2);
            var split = Fill(target);
            if (split is null)
            {
                low = target;
            }
            else
            {
                best = split;
                high = split.Value.MaxLoad;
            }
        }

        return best;
    }

    private (double MaxLoad, int[] ChipOfNode)? Fill(double target)
    {
        int n = problem.NodeCount, position = 0;
        var maxLoad = 0.0;
        for (var chip = 0; position < n; chip++)
        {
            if (chip == problem.Chips)
            {
                return null;
            }

            var frontier = frontiers.At(position);
            for (var t = 0; t < frontier.Length; t++)
            {
                frontierChips[t] = chipOf[frontier[t]];
            }

            var chips = new ReadOnlySpan<int>(frontierChips, 0, frontier.Length);
            int bestEnd = -1;
            var bestCost = 0.0;
            for (var end = position + 1; end <= n && problem.Costs.RunLowerBound(position, end, chip) <= target; end++)
            {
                if (!effort.Spend(1))
                {
                    return null;
                }

                var cost = problem.Costs.RunCost(position, end, chip, frontier, chips);
                if (cost <= target && !double.IsPositiveInfinity(cost))
                {
                    (bestEnd, bestCost) = (end, cost);
                }
            }

            if (bestEnd < 0)
            {
                continue; // this chip stays empty
            }

            for (var j = position; j < bestEnd; j++)
            {
                chipOf[j] = chip;
            }

            maxLoad = Math.Max(maxLoad, bestCost);
            position = bestEnd;
        }

        return (maxLoad, (int[])chipOf.Clone());
    }
}
