using System;
using System.Collections.Generic;

namespace Sdk.Generator.Analysis.Placement.Internal;

/// <summary>
/// The graph the DP actually places: each unit is a set of colour classes that must share a device (forward and
/// backward nodes together). Units are numbered in a topological order of their contiguity edges, so every prefix
/// of 0..Count-1 is an ideal. Communication is a weighted hypergraph over units: node w with output cost c gives the
/// hyperedge {unit of w} + {units of w's successors}; a device pays c exactly when its unit set cuts that hyperedge.
/// </summary>
internal sealed class PlacementUnits
{
    private PlacementUnits(IndexedGraph graph, int[] unitOfClass, int count, int mergedClasses)
    {
        Graph = graph;
        Count = count;
        Words = Math.Max(1, (count + 63) / 64);
        MergedClasses = mergedClasses;
        UnitOfNode = new int[graph.NodeCount];
        CpuLatency = new double[count];
        AcceleratorLatency = new double[count];
        Size = new double[count];
        Unsupported = new bool[count];
        var members = new List<int>[count];
        for (var u = 0; u < count; u++)
        {
            members[u] = new List<int>();
        }

        for (var v = 0; v < graph.NodeCount; v++)
        {
            var u = unitOfClass[graph.ClassOf[v]];
            UnitOfNode[v] = u;
            members[u].Add(v);
            CpuLatency[u] += graph.CpuLatency[v];
            AcceleratorLatency[u] += graph.AcceleratorLatency[v];
            Size[u] += graph.Size[v];
            Unsupported[u] |= !graph.Supported[v];
        }

        NodesOfUnit = new int[count][];
        for (var u = 0; u < count; u++)
        {
            NodesOfUnit[u] = members[u].ToArray();
        }

        PredecessorMasks = new ulong[count * Words];
        var successors = new List<int>[count];
        for (var u = 0; u < count; u++)
        {
            successors[u] = new List<int>();
        }

        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            int a = unitOfClass[from], b = unitOfClass[to];
            var bit = 1UL << (a & 63);
            if (a != b && (PredecessorMasks[(b * Words) + (a >> 6)] & bit) == 0)
            {
                PredecessorMasks[(b * Words) + (a >> 6)] |= bit;
                successors[a].Add(b);
            }
        }

        Successors = new int[count][];
        for (var u = 0; u < count; u++)
        {
            Successors[u] = successors[u].ToArray();
        }

        Hyperedges = UnitHypergraph.Build(graph, UnitOfNode, count);
    }

    public IndexedGraph Graph { get; }

    public int Count { get; }

    /// <summary>64-bit words in a bitset over units.</summary>
    public int Words { get; }

    /// <summary>How many colour classes were folded into a neighbour because that can never cost anything.</summary>
    public int MergedClasses { get; }

    public int[] UnitOfNode { get; }

    public int[][] NodesOfUnit { get; }

    public double[] CpuLatency { get; }

    public double[] AcceleratorLatency { get; }

    public double[] Size { get; }

    public bool[] Unsupported { get; }

    /// <summary>Bitset (Words per unit) of each unit's direct predecessors; all lie at lower indices.</summary>
    public ulong[] PredecessorMasks { get; }

    /// <summary>Direct successors of each unit (distinct), all at higher indices.</summary>
    public int[][] Successors { get; }

    public UnitHypergraph Hyperedges { get; }

    /// <summary>The cheaper latency the unit may run at (a CPU's if accelerators cannot run it).</summary>
    public double MinLatency(int unit) =>
        Unsupported[unit] ? CpuLatency[unit] : Math.Min(CpuLatency[unit], AcceleratorLatency[unit]);

    public static PlacementUnits Build(IndexedGraph graph)
    {
        var groups = new UnionFind(graph.ClassCount);
        FuseCycles(graph, groups);
        var merged = ZeroCostMerging.Run(graph, groups);
        var unitOfClass = NumberTopologically(graph, groups, out var count);
        return new PlacementUnits(graph, unitOfClass, count, merged);
    }

    // Classes on a common cycle can only share a device (otherwise data would flow back), so fuse them first.
    private static void FuseCycles(IndexedGraph graph, UnionFind groups)
    {
        var component = StronglyConnected.Components(graph.ClassCount, graph.ClassContiguityEdges);
        var firstOfComponent = new Dictionary<int, int>();
        for (var c = 0; c < graph.ClassCount; c++)
        {
            if (firstOfComponent.TryGetValue(component[c], out var first))
            {
                groups.Union(c, first);
            }
            else
            {
                firstOfComponent.Add(component[c], c);
            }
        }
    }

    // Kahn's algorithm with a stack (depth-first flavour, as the reference's linearisation): it keeps chains
    // together, which also makes the prefix order a good linearised fallback.
    private static int[] NumberTopologically(IndexedGraph graph, UnionFind groups, out int count)
    {
        var rootIndex = new Dictionary<int, int>();
        var roots = new List<int>();
        for (var c = 0; c < graph.ClassCount; c++)
        {
            var root = groups.Find(c);
            if (!rootIndex.ContainsKey(root))
            {
                rootIndex.Add(root, roots.Count);
                roots.Add(root);
            }
        }

        count = roots.Count;
        var successors = new List<int>[count];
        var indegree = new int[count];
        for (var i = 0; i < count; i++)
        {
            successors[i] = new List<int>();
        }

        var seen = new HashSet<long>();
        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            int a = rootIndex[groups.Find(from)], b = rootIndex[groups.Find(to)];
            if (a != b && seen.Add(((long)a << 32) | (uint)b))
            {
                successors[a].Add(b);
                indegree[b]++;
            }
        }

        var ready = new Stack<int>();
        for (var i = count - 1; i >= 0; i--)
        {
            if (indegree[i] == 0)
            {
                ready.Push(i);
            }
        }

        var position = new int[count];
        var next = 0;
        while (ready.Count > 0)
        {
            var i = ready.Pop();
            position[i] = next++;
            for (var s = successors[i].Count - 1; s >= 0; s--)
            {
                if (--indegree[successors[i][s]] == 0)
                {
                    ready.Push(successors[i][s]);
                }
            }
        }

        if (next != count)
        {
            throw new InvalidOperationException("internal error: units still form a cycle after fusing components");
        }

        var unitOfClass = new int[graph.ClassCount];
        for (var c = 0; c < graph.ClassCount; c++)
        {
            unitOfClass[c] = position[rootIndex[groups.Find(c)]];
        }

        return unitOfClass;
    }
}
