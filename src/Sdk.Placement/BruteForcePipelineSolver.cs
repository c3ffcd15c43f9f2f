using System;
using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>
/// Reference solver for tiny pipeline problems: tries every non-decreasing chip assignment of the node order (every
/// split into runs, every choice of chips in id order) and asks the oracle for each run's cost. It shares nothing with
/// the DP but the oracle, and derives the frontiers its own (slow, obvious) way.
/// </summary>
public static class BruteForcePipelineSolver
{
    /// <summary>Beyond this the search takes far too long.</summary>
    public const int MaxNodes = 14;

    public static PipelineResult Solve(PipelineProblem problem)
    {
        if (problem.NodeCount > MaxNodes)
        {
            throw new ArgumentException($"brute force handles at most {MaxNodes} nodes, this problem has {problem.NodeCount}", nameof(problem));
        }

        var chipOfNode = new int[problem.NodeCount];
        var best = double.PositiveInfinity;
        int[]? bestChips = null;
        long examined = 0;
        void Assign(int node, int lowestChip)
        {
            if (node == problem.NodeCount)
            {
                examined++;
                var load = MaxLoad(problem, chipOfNode);
                if (load < best)
                {
                    (best, bestChips) = (load, (int[])chipOfNode.Clone());
                }

                return;
            }

            for (var chip = lowestChip; chip < problem.Chips; chip++)
            {
                chipOfNode[node] = chip;
                Assign(node + 1, chip);
            }
        }

        Assign(0, 0);
        if (bestChips is null)
        {
            return new PipelineResult(PlacementStatus.Infeasible, double.PositiveInfinity, new int[0], new PipelineRun[0], examined);
        }

        return new PipelineResult(PlacementStatus.Optimal, best, bestChips, Runs(problem, bestChips), examined);
    }

    /// <summary>The max-load of a split (chips non-decreasing along the order), from the oracle's run costs.</summary>
    public static double MaxLoad(PipelineProblem problem, IReadOnlyList<int> chipOfNode)
    {
        var load = 0.0;
        foreach (var run in Runs(problem, chipOfNode))
        {
            load = Math.Max(load, run.Cost);
        }

        return load;
    }

    private static List<PipelineRun> Runs(PipelineProblem problem, IReadOnlyList<int> chipOfNode)
    {
        var runs = new List<PipelineRun>();
        for (var start = 0; start < chipOfNode.Count;)
        {
            var end = start;
            while (end < chipOfNode.Count && chipOfNode[end] == chipOfNode[start])
            {
                end++;
            }

            // The frontier: every earlier node that some node from start on reads.
            var frontier = new List<int>();
            for (var t = 0; t < start; t++)
            {
                var needed = false;
                for (var j = start; j < problem.NodeCount; j++)
                {
                    foreach (var input in problem.Inputs[j])
                    {
                        needed |= input == t;
                    }
                }

                if (needed)
                {
                    frontier.Add(t);
                }
            }

            var chips = frontier.ConvertAll(t => chipOfNode[t]).ToArray();
            runs.Add(new PipelineRun(chipOfNode[start], start, end, problem.Costs.RunCost(start, end, chipOfNode[start], frontier.ToArray(), chips)));
            start = end;
        }

        return runs;
    }
}
