using System;
using System.Collections.Generic;
using Sdk.Placement.Internal;

namespace Sdk.Placement;

/// <summary>
/// Exact split of a node order over heterogeneous chips (<see cref="PipelineProblem"/>): a bisection greedy gives an
/// incumbent, then a DP over (position, last chip, chips of the frontier tensors) with branch-and-bound finds the
/// least max-load. Effort is a deterministic count of examined states (<see cref="PipelineOptions"/>).
/// </summary>
public static class PipelineSolver
{
    public static PipelineResult Solve(PipelineProblem problem, PipelineOptions? options = null)
    {
        if (problem is null)
        {
            throw new ArgumentNullException(nameof(problem));
        }

        options ??= PipelineOptions.Default;
        if (options.MaxStatesExamined < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"option {nameof(options.MaxStatesExamined)} must not be negative, got {options.MaxStatesExamined}");
        }

        var frontiers = new PipelineFrontiers(problem);
        var effort = new Effort(options.MaxStatesExamined, () => false);
        var best = new PipelineGreedy(problem, frontiers, effort).Solve();
        var complete = effort.Limit == EffortLimit.None;
        if (complete)
        {
            var dp = new PipelineDp(problem, frontiers, effort, best?.MaxLoad ?? double.PositiveInfinity);
            best = dp.Solve(out complete) ?? best; // null: nothing strictly better than the greedy split
        }

        var status = !complete ? PlacementStatus.Fallback
            : best is null ? PlacementStatus.Infeasible
            : PlacementStatus.Optimal;
        return best is null
            ? new PipelineResult(status, double.PositiveInfinity, new int[0], new PipelineRun[0], effort.Pairs)
            : Describe(problem, frontiers, status, best.Value.ChipOfNode, effort.Pairs);
    }

    // The runs of a split with their costs, asked again of the oracle (so the result states what the split costs).
    private static PipelineResult Describe(PipelineProblem problem, PipelineFrontiers frontiers, PlacementStatus status, int[] chipOfNode, long examined)
    {
        var runs = new List<PipelineRun>();
        var frontierChips = new int[problem.NodeCount];
        var maxLoad = 0.0;
        for (var start = 0; start < chipOfNode.Length;)
        {
            var end = start + 1;
            while (end < chipOfNode.Length && chipOfNode[end] == chipOfNode[start])
            {
                end++;
            }

            var frontier = frontiers.At(start);
            for (var t = 0; t < frontier.Length; t++)
            {
                frontierChips[t] = chipOfNode[frontier[t]];
            }

            var cost = problem.Costs.RunCost(start, end, chipOfNode[start], frontier, new ReadOnlySpan<int>(frontierChips, 0, frontier.Length));
            runs.Add(new PipelineRun(chipOfNode[start], start, end, cost));
            maxLoad = Math.Max(maxLoad, cost);
            start = end;
        }

        return new PipelineResult(status, maxLoad, chipOfNode, runs, examined);
    }
}
