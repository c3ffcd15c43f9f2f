using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// A group is free when nothing about it can cost anything: zero latency on both kinds, supported, no memory
/// that could matter, and every edge between it and another group has cost 0. Only contiguity ties it down, and
/// the DP can do without it: the group leaves the DP graph, its core predecessors get edges to its core
/// successors (so every order the DP picks still leaves room for it), and afterwards it joins the stage of its
/// latest predecessor (the first stage if it has none). Costs are untouched, so the optimum is the same, and
/// each such group typically halves the number of ideals (e.g. gnmt: 17,914 ideals without, 100 with).
/// </summary>
internal static class FreeGroups
{
    public static bool[] Find(IndexedGraph graph, ClassGroups groups)
    {
        var free = new bool[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            free[g] = true;
        }

        var sizeIsFree = graph.MemoryNeverBinds;
        for (var v = 0; v < graph.NodeCount; v++)
        {
            if (graph.CpuLatency[v] != 0 || graph.AcceleratorLatency[v] != 0 || !graph.Supported[v] || (graph.Size[v] != 0 && !sizeIsFree))
            {
                free[groups.GroupOfNode[v]] = false;
            }

            foreach (var s in graph.Successors[v])
            {
                int a = groups.GroupOfNode[v], b = groups.GroupOfNode[s];
                if (a != b && graph.OutputCost[v] != 0)
                {
                    free[a] = free[b] = false;
                }
            }
        }

        return free;
    }

    /// <summary>Edges between non-free groups: direct ones, and through any chain of free groups.</summary>
    public static List<(int From, int To)> CoreEdges(ClassGroups groups, bool[] free)
    {
        var edges = new List<(int From, int To)>();
        var reachedBy = new int[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            reachedBy[g] = -1;
        }

        var pending = new Stack<int>();
        for (var from = 0; from < groups.Count; from++)
        {
            if (free[from])
            {
                continue;
            }

            Push(groups.Successors[from], from, reachedBy, pending);
            while (pending.Count > 0)
            {
                var g = pending.Pop();
                if (free[g])
                {
                    Push(groups.Successors[g], from, reachedBy, pending);
                }
                else
                {
                    edges.Add((from, g));
                }
            }
        }

        return edges;
    }

    private static void Push(int[] successors, int from, int[] reachedBy, Stack<int> pending)
    {
        foreach (var s in successors)
        {
            if (reachedBy[s] != from)
            {
                reachedBy[s] = from;
                pending.Push(s);
            }
        }
    }
}
