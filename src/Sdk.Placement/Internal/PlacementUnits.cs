using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// The graph the DP actually places: each unit is a group of colour classes that must share a device (forward
/// and backward nodes together). Units are numbered in a topological order of their contiguity edges, so every
/// prefix of 0..Count-1 is an ideal. Communication is a weighted hypergraph over units: node w with output cost c
/// gives the hyperedge {unit of w} + {units of w's successors}; a device pays c exactly when its unit set cuts
/// that hyperedge. Free groups (see <see cref="FreeGroups"/>) are not units; they are placed after the DP.
/// </summary>
internal sealed class PlacementUnits
{
    private PlacementUnits(IndexedGraph graph, ClassGroups groups, bool[] free, int mergedClasses)
    {
        Graph = graph;
        MergedClasses = mergedClasses;
        var unitOfGroup = new int[groups.Count];
        var freeIndexOfGroup = new int[groups.Count];
        var freeGroups = new List<FreeGroup>();
        foreach (var g in groups.TopologicalOrder)
        {
            unitOfGroup[g] = free[g] ? -1 : Count++;
            freeIndexOfGroup[g] = free[g] ? freeGroups.Count : -1;
            if (free[g])
            {
                freeGroups.Add(Describe(groups, g, unitOfGroup, freeIndexOfGroup));
            }
        }

        Free = freeGroups;
        UnitOfNode = new int[graph.NodeCount];
        CpuLatency = new double[Count];
        AcceleratorLatency = new double[Count];
        Size = new double[Count];
        Unsupported = new bool[Count];
        NodesOfUnit = new int[Count][];
        for (var g = 0; g < groups.Count; g++)
        {
            var u = unitOfGroup[g];
            foreach (var v in groups.NodesOfGroup[g])
            {
                UnitOfNode[v] = u;
                if (u >= 0)
                {
                    CpuLatency[u] += graph.CpuLatency[v];
                    AcceleratorLatency[u] += graph.AcceleratorLatency[v];
                    Size[u] += graph.Size[v];
                    Unsupported[u] |= !graph.Supported[v];
                }
            }

            if (u >= 0)
            {
                NodesOfUnit[u] = groups.NodesOfGroup[g];
            }
        }

        (Predecessors, Successors) = BuildEdges(FreeGroups.CoreEdges(groups, free), unitOfGroup);
        Hyperedges = UnitHypergraph.Build(graph, UnitOfNode, Count);
        CpuPerAccelerator = LeastRatio(CpuLatency, AcceleratorLatency, Unsupported);
    }

    public IndexedGraph Graph { get; }

    public int Count { get; }

    /// <summary>How many colour classes were folded into a neighbour because that can never cost anything.</summary>
    public int MergedClasses { get; }

    /// <summary>Groups left out of the DP, in topological order.</summary>
    public IReadOnlyList<FreeGroup> Free { get; }

    /// <summary>Unit of each node; -1 for nodes of free groups.</summary>
    public int[] UnitOfNode { get; }

    public int[][] NodesOfUnit { get; }

    public double[] CpuLatency { get; }

    public double[] AcceleratorLatency { get; }

    public double[] Size { get; }

    public bool[] Unsupported { get; }

    /// <summary>Direct predecessors of each unit (distinct), all at lower indices.</summary>
    public int[][] Predecessors { get; }

    /// <summary>Direct successors of each unit (distinct), all at higher indices.</summary>
    public int[][] Successors { get; }

    public UnitHypergraph Hyperedges { get; }

    /// <summary>
    /// The least CPU / accelerator latency ratio over the units an accelerator runs with a positive latency (0 if
    /// none): moving accelerator work W onto a CPU costs the CPU at least this times W (see
    /// <see cref="WorkSums.LeastMaxLoad"/>).
    /// </summary>
    public double CpuPerAccelerator { get; }

    public static PlacementUnits Build(IndexedGraph graph)
    {
        var unions = new UnionFind(graph.ClassCount);
        FuseCycles(graph, unions);
        var merged = ZeroCostMerging.Run(graph, unions);
        var groups = ClassGroups.Build(graph, unions);
        return new PlacementUnits(graph, groups, FreeGroups.Find(graph, groups), merged);
    }

    private static double LeastRatio(double[] cpu, double[] accelerator, bool[] unsupported)
    {
        var least = double.PositiveInfinity;
        for (var u = 0; u < cpu.Length; u++)
        {
            if (!unsupported[u] && accelerator[u] > 0)
            {
                least = Math.Min(least, cpu[u] / accelerator[u]);
            }
        }

        return double.IsPositiveInfinity(least) ? 0 : least;
    }

    // Classes on a common cycle can only share a device (otherwise data would flow back), so fuse them first.
    private static void FuseCycles(IndexedGraph graph, UnionFind unions)
    {
        var component = StronglyConnected.Components(graph.ClassCount, graph.ClassContiguityEdges);
        var firstOfComponent = new Dictionary<int, int>();
        for (var c = 0; c < graph.ClassCount; c++)
        {
            if (firstOfComponent.TryGetValue(component[c], out var first))
            {
                unions.Union(c, first);
            }
            else
            {
                firstOfComponent.Add(component[c], c);
            }
        }
    }

    private static FreeGroup Describe(ClassGroups groups, int g, int[] unitOfGroup, int[] freeIndexOfGroup)
    {
        var coreUnits = new List<int>();
        var freeGroups = new List<int>();
        foreach (var p in groups.Predecessors[g])
        {
            if (unitOfGroup[p] >= 0)
            {
                coreUnits.Add(unitOfGroup[p]);
            }
            else
            {
                freeGroups.Add(freeIndexOfGroup[p]); // earlier in topological order, so already numbered
            }
        }

        return new FreeGroup(groups.NodesOfGroup[g], coreUnits.ToArray(), freeGroups.ToArray());
    }

    private (int[][] Predecessors, int[][] Successors) BuildEdges(List<(int From, int To)> groupEdges, int[] unitOfGroup)
    {
        var predecessors = new Grouping(groupEdges.Count);
        var successors = new Grouping(groupEdges.Count);
        var seen = new PairSet();
        foreach (var (from, to) in groupEdges)
        {
            int a = unitOfGroup[from], b = unitOfGroup[to];
            if (seen.Add(a, b))
            {
                predecessors.Add(b, a);
                successors.Add(a, b);
            }
        }

        return (predecessors.ToArrays(Count), successors.ToArrays(Count));
    }
}

/// <summary>A free group: its nodes and its direct predecessors (units, and earlier free groups by index).</summary>
internal sealed class FreeGroup
{
    public FreeGroup(int[] nodes, int[] predecessorUnits, int[] predecessorFreeGroups)
    {
        Nodes = nodes;
        PredecessorUnits = predecessorUnits;
        PredecessorFreeGroups = predecessorFreeGroups;
    }

    public int[] Nodes { get; }

    public int[] PredecessorUnits { get; }

    public int[] PredecessorFreeGroups { get; }
}
