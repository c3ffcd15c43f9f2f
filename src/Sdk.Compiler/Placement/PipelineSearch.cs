using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>The best split the search found: each declared layer's chip (null: nothing fits), its max-load, whether it is proven optimal, and the states examined.</summary>
internal sealed record PipelineSplit(int[]? ChipOfLayer, double MaxLoad, bool Optimal, long States);

/// <summary>
/// Searches the splits of the declared layers into contiguous runs over the chips in id order for the least
/// max-load. TEMPORARY: exhaustive over the runs' boundaries, until the DP of Sdk.Placement replaces it.
/// </summary>
internal static class PipelineSearch
{
    /// <summary>
    /// The search's effort: one unit per split examined and one per layer of each run costed (a run's cost takes time
    /// in its length: counting splits alone left the work of a long network unbounded by the budget).
    /// </summary>
    private const long Budget = 5_000_000;

    public static PipelineSplit Solve(PipelineCosts costs, int chips)
    {
        var n = costs.Count;
        var bounds = new int[chips + 1];
        bounds[chips] = n;
        int[]? best = null;
        var bestLoad = double.PositiveInfinity;
        long states = 0;
        var complete = true;

        void Walk(int chip, int start, double load)
        {
            if (states++ > Budget)
            {
                complete = false;
                return;
            }

            if (chip == chips - 1)
            {
                states += n - start;
                var last = Math.Max(load, Cost(costs, start, n, chip, bounds));
                if (last < bestLoad)
                {
                    bestLoad = last;
                    best = Expand(bounds, start, chip, n);
                }

                return;
            }

            for (var end = start; end <= n && complete; end++)
            {
                if (costs.RunLowerBound(start, end, chip) >= bestLoad)
                {
                    break;
                }

                states += end - start;
                var cost = Cost(costs, start, end, chip, bounds);
                if (Math.Max(load, cost) < bestLoad)
                {
                    bounds[chip] = start;
                    bounds[chip + 1] = end;
                    Walk(chip + 1, end, Math.Max(load, cost));
                }
            }
        }

        Walk(0, 0, 0);
        return new PipelineSplit(best, bestLoad, complete, states);
    }

    private static double Cost(PipelineCosts costs, int start, int end, int chip, int[] bounds)
    {
        bounds[chip] = start;
        // The earlier layers the run reads, in order: from the run's inputs, not by scanning every earlier layer.
        var frontier = Enumerable.Range(start, end - start).SelectMany(costs.Inputs).Where(s => s >= 0 && s < start).Distinct().OrderBy(s => s).ToList();
        var chipsOf = frontier.Select(s => ChipOf(bounds, chip, s)).ToList();
        return costs.RunCost(start, end, chip, frontier, chipsOf);
    }

    private static int ChipOf(int[] bounds, int chip, int layer)
    {
        for (var c = chip - 1; c >= 0; c--)
        {
            if (layer >= bounds[c] && layer < bounds[c + 1])
            {
                return c;
            }
        }

        return 0;
    }

    private static int[] Expand(int[] bounds, int start, int chip, int n)
    {
        var result = new int[n];
        bounds[chip] = start;
        for (var c = 0; c <= chip; c++)
        {
            var to = c == chip ? n : bounds[c + 1];
            for (var i = bounds[c]; i < to; i++)
            {
                result[i] = c;
            }
        }

        return result;
    }
}
