using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// Exact DP over the states (position s, last chip used, chips of the frontier tensors at s): everything a later run's
/// cost can depend on. A state's value is the least max-load of the runs that reach it; from a state, the next chip
/// c (any chip after the last one: the ones between stay empty) takes a run [s, e). States are expanded by
/// increasing s, so each is final when expanded. Pruning, all exact: a state or run whose max-load reaches the
/// incumbent's is dropped; a chip's runs stop growing once RunLowerBound (non-decreasing in e) reaches it; and a
/// state is dominated by one with the same frontier chips, an earlier last chip and no larger value.
/// </summary>
internal sealed class PipelineDp
{
    private readonly PipelineProblem problem;
    private readonly PipelineFrontiers frontiers;
    private readonly Effort effort;
    private readonly List<int>[] statesAt;
    private readonly Dictionary<int[], int>[] indexAt;
    private readonly GrowableArray<int[]> key = new(); // last chip, then the chips of the frontier
    private readonly GrowableArray<double> value = new();
    private readonly GrowableArray<int> previous = new();
    private readonly GrowableArray<int> position = new();
    private int[] nextChips;
    private double incumbent;
    private (int State, int Chip) finalRun = (-1, -1);

    public PipelineDp(PipelineProblem problem, PipelineFrontiers frontiers, Effort effort, double incumbent)
    {
        this.problem = problem;
        this.frontiers = frontiers;
        this.effort = effort;
        this.incumbent = incumbent;
        statesAt = new List<int>[problem.NodeCount + 1];
        indexAt = new Dictionary<int[], int>[problem.NodeCount + 1];
        nextChips = new int[1];
    }

    /// <summary>
    /// The best split strictly below the incumbent, or null if there is none; <paramref name="complete"/> is false
    /// when the effort ran out (the split, if any, is then only the best found).
    /// </summary>
    public (double MaxLoad, int[] ChipOfNode)? Solve(out bool complete)
    {
        Reach(0, new[] { -1 }, 0, -1); // before anything: no chip used, empty frontier
        complete = true;
        for (var s = 0; s < problem.NodeCount && complete; s++)
        {
            complete = ExpandAll(s);
        }

        return finalRun.State < 0 ? null : (incumbent, Backtrack());
    }

    private bool ExpandAll(int s)
    {
        if (statesAt[s] is null)
        {
            return true;
        }

        // By last chip, so that a state can be checked against the cheapest one with the same frontier chips and an
        // earlier last chip (which can do everything it can).
        var states = statesAt[s];
        states.Sort((a, b) => key.Items[a][0].CompareTo(key.Items[b][0]));
        var cheapest = new Dictionary<int[], double>(new FrontierChips());
        foreach (var state in states)
        {
            var chips = key.Items[state];
            if (cheapest.TryGetValue(chips, out var better) && better <= value.Items[state])
            {
                continue;
            }

            cheapest[chips] = value.Items[state];
            if (!Expand(state, s))
            {
                return false;
            }
        }

        statesAt[s] = null!;
        indexAt[s] = null!;
        return true;
    }

    private bool Expand(int state, int s)
    {
        var costs = problem.Costs;
        var frontier = frontiers.At(s);
        var chips = new ReadOnlySpan<int>(key.Items[state], 1, frontier.Length);
        var reached = value.Items[state];
        for (var chip = key.Items[state][0] + 1; chip < problem.Chips && reached < incumbent; chip++)
        {
            for (var end = s + 1; end <= problem.NodeCount; end++)
            {
                if (!effort.Spend(1))
                {
                    return false;
                }

                if (!(Math.Max(reached, costs.RunLowerBound(s, end, chip)) < incumbent))
                {
                    break; // the bound only grows with the run
                }

                var load = Math.Max(reached, costs.RunCost(s, end, chip, frontier, chips));
                if (!(load < incumbent))
                {
                    continue;
                }

                if (end == problem.NodeCount)
                {
                    incumbent = load;
                    finalRun = (state, chip);
                }
                else
                {
                    Reach(end, NextKey(state, s, end, chip), load, state);
                }
            }
        }

        return true;
    }

    // The chips of the frontier at end: a tensor from before s keeps its chip, one from the run [s, end) is on chip.
    private int[] NextKey(int state, int s, int end, int chip)
    {
        var frontier = frontiers.At(s);
        var next = frontiers.At(end);
        if (nextChips.Length < next.Length + 1)
        {
            nextChips = new int[next.Length + 1];
        }

        nextChips[0] = chip;
        var i = 0;
        for (var t = 0; t < next.Length; t++)
        {
            if (next[t] >= s)
            {
                nextChips[t + 1] = chip;
                continue;
            }

            while (frontier[i] != next[t])
            {
                i++; // both ascending, and every tensor before s still needed at end was needed at s
            }

            nextChips[t + 1] = key.Items[state][i + 1];
        }

        var result = new int[next.Length + 1];
        Array.Copy(nextChips, result, result.Length);
        return result;
    }

    private void Reach(int at, int[] stateKey, double load, int from)
    {
        statesAt[at] ??= new List<int>();
        indexAt[at] ??= new Dictionary<int[], int>(new FrontierChips(includeLastChip: true));
        if (indexAt[at].TryGetValue(stateKey, out var existing))
        {
            if (load < value.Items[existing])
            {
                value.Items[existing] = load;
                previous.Items[existing] = from;
            }

            return;
        }

        indexAt[at].Add(stateKey, key.Count);
        statesAt[at].Add(key.Count);
        key.Add(stateKey);
        value.Add(load);
        previous.Add(from);
        position.Add(at);
    }

    private int[] Backtrack()
    {
        var chipOfNode = new int[problem.NodeCount];
        int end = problem.NodeCount, chip = finalRun.Chip;
        for (var state = finalRun.State; state >= 0; state = previous.Items[state])
        {
            for (var j = position.Items[state]; j < end; j++)
            {
                chipOfNode[j] = chip;
            }

            end = position.Items[state];
            chip = key.Items[state][0];
        }

        return chipOfNode;
    }

    // Keys compare by content: the frontier chips only (for dominance), or with the last chip in front (for states).
    private sealed class FrontierChips : IEqualityComparer<int[]>
    {
        private readonly int first;

        public FrontierChips(bool includeLastChip = false)
        {
            first = includeLastChip ? 0 : 1;
        }

        public bool Equals(int[]? a, int[]? b)
        {
            if (a!.Length != b!.Length)
            {
                return false;
            }

            for (var i = first; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(int[] key)
        {
            var hash = 17;
            for (var i = first; i < key.Length; i++)
            {
                hash = (hash * 31) + key[i];
            }

            return hash;
        }
    }
}
