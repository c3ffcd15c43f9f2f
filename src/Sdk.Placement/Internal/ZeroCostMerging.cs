using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// Folds a "free" group of classes into its only neighbour, which shrinks the number of ideals a lot (an input
/// node hanging off one layer doubles them) and never changes the optimum. A group is free when all its nodes have
/// zero latency on both device kinds, take no memory that could matter, and touch (by contiguity or by any edge,
/// backward ones included) only that one neighbour. Moving it onto the neighbour's device keeps every device set a
/// valid pipeline stage, adds no latency or memory, and can only uncut hyperedges. The reference does a similar but
/// looser merge (it ignores sizes and support); this version is exact, as the brute-force tests check.
/// </summary>
internal static class ZeroCostMerging
{
    private const int None = -1;
    private const int Several = -2;

    /// <summary>Merges in passes until nothing changes; returns how many groups were merged.</summary>
    public static int Run(IndexedGraph graph, UnionFind groups)
    {
        var total = 0;
        int mergedInPass;
        do
        {
            mergedInPass = RunPass(graph, groups);
            total += mergedInPass;
        }
        while (mergedInPass > 0);

        return total;
    }

    private static int RunPass(IndexedGraph graph, UnionFind groups)
    {
        var classes = graph.ClassCount;
        var free = new bool[classes];
        var hasUnsupported = new bool[classes];
        var isRoot = new bool[classes];
        var contiguityNeighbour = Fill(classes, None);
        var edgeNeighbour = Fill(classes, None);
        for (var c = 0; c < classes; c++)
        {
            isRoot[groups.Find(c)] = true;
            free[c] = true;
        }

        MarkCosts(graph, groups, free, hasUnsupported);
        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            Connect(contiguityNeighbour, groups.Find(from), groups.Find(to));
        }

        for (var u = 0; u < graph.NodeCount; u++)
        {
            foreach (var s in graph.Successors[u])
            {
                Connect(edgeNeighbour, groups.Find(graph.ClassOf[u]), groups.Find(graph.ClassOf[s]));
            }
        }

        var touched = new bool[classes];
        var merged = MergeIsolated(groups, isRoot, free, contiguityNeighbour, edgeNeighbour, hasUnsupported, touched);
        for (var root = 0; root < classes; root++)
        {
            if (!isRoot[root] || !free[root] || touched[root])
            {
                continue;
            }

            var target = ChooseTarget(contiguityNeighbour[root], edgeNeighbour[root]);
            if (target == None || touched[target] || (hasUnsupported[root] && !hasUnsupported[target]))
            {
                continue;
            }

            groups.Union(root, target);
            touched[root] = touched[target] = true;
            merged++;
        }

        return merged;
    }

    private static void MarkCosts(IndexedGraph graph, UnionFind groups, bool[] free, bool[] hasUnsupported)
    {
        var sizeIsFree = graph.MemoryNeverBinds;
        for (var v = 0; v < graph.NodeCount; v++)
        {
            var root = groups.Find(graph.ClassOf[v]);
            if (graph.CpuLatency[v] != 0 || graph.AcceleratorLatency[v] != 0 || (graph.Size[v] != 0 && !sizeIsFree))
            {
                free[root] = false;
            }

            if (!graph.Supported[v])
            {
                hasUnsupported[root] = true;
            }
        }
    }

    private static int ChooseTarget(int contiguity, int edges)
    {
        if (contiguity == Several || edges == Several || (contiguity != None && edges != None && contiguity != edges))
        {
            return None;
        }

        return contiguity != None ? contiguity : edges;
    }

    // A free group touching nothing can sit anywhere for free, so all of them join one group in a single step (one
    // holding an unsupported node only a group that also has one): a group that is not itself isolated if there is
    // one, else the first isolated one. Their joining changes no other group's neighbours.
    private static int MergeIsolated(
        UnionFind groups, bool[] isRoot, bool[] free, int[] contiguityNeighbour, int[] edgeNeighbour, bool[] hasUnsupported, bool[] touched)
    {
        bool Isolated(int root) => isRoot[root] && free[root] && contiguityNeighbour[root] == None && edgeNeighbour[root] == None;
        int anyTarget = None, unsupportedTarget = None;
        for (var root = 0; root < isRoot.Length; root++)
        {
            if (isRoot[root] && !Isolated(root))
            {
                anyTarget = anyTarget == None ? root : anyTarget;
                unsupportedTarget = unsupportedTarget == None && hasUnsupported[root] ? root : unsupportedTarget;
            }
        }

        var merged = 0;
        for (var root = 0; root < isRoot.Length; root++)
        {
            if (!Isolated(root))
            {
                continue;
            }

            ref var target = ref hasUnsupported[root] ? ref unsupportedTarget : ref anyTarget;
            if (target == None)
            {
                target = root; // the first isolated one collects the others
                continue;
            }

            groups.Union(root, target);
            touched[root] = true;
            merged++;
        }

        return merged;
    }

    private static void Connect(int[] neighbour, int a, int b)
    {
        if (a == b)
        {
            return;
        }

        Note(neighbour, a, b);
        Note(neighbour, b, a);
    }

    private static void Note(int[] neighbour, int of, int other)
    {
        if (neighbour[of] == None)
        {
            neighbour[of] = other;
        }
        else if (neighbour[of] != other)
        {
            neighbour[of] = Several;
        }
    }

    private static int[] Fill(int count, int value)
    {
        var array = new int[count];
        for (var i = 0; i < count; i++)
        {
            array[i] = value;
        }

        return array;
    }
}
