using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// Colour classes grouped by a union-find (cycles fused, free classes merged), numbered densely, with their
/// contiguity DAG and a topological order of it.
/// </summary>
internal sealed class ClassGroups
{
    private ClassGroups(IndexedGraph graph, UnionFind unions)
    {
        var indexOfRoot = new Dictionary<int, int>();
        GroupOfClass = new int[graph.ClassCount];
        for (var c = 0; c < graph.ClassCount; c++)
        {
            var root = unions.Find(c);
            if (!indexOfRoot.TryGetValue(root, out var group))
            {
                group = indexOfRoot.Count;
                indexOfRoot.Add(root, group);
            }

            GroupOfClass[c] = group;
        }

        Count = indexOfRoot.Count;
        var nodes = new Grouping(graph.NodeCount);
        GroupOfNode = new int[graph.NodeCount];
        for (var v = 0; v < graph.NodeCount; v++)
        {
            GroupOfNode[v] = GroupOfClass[graph.ClassOf[v]];
            nodes.Add(GroupOfNode[v], v);
        }

        var successors = new Grouping(graph.ClassContiguityEdges.Count);
        var predecessors = new Grouping(graph.ClassContiguityEdges.Count);
        var seen = new PairSet();
        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            int a = GroupOfClass[from], b = GroupOfClass[to];
            if (a != b && seen.Add(a, b))
            {
                successors.Add(a, b);
                predecessors.Add(b, a);
            }
        }

        NodesOfGroup = nodes.ToArrays(Count);
        Successors = successors.ToArrays(Count);
        Predecessors = predecessors.ToArrays(Count);
        TopologicalOrder = SortTopologically();
    }

    public int Count { get; }

    public int[] GroupOfClass { get; }

    public int[] GroupOfNode { get; }

    public int[][] NodesOfGroup { get; }

    public int[][] Successors { get; }

    public int[][] Predecessors { get; }

    /// <summary>Every group after all its predecessors.</summary>
    public int[] TopologicalOrder { get; }

    public static ClassGroups Build(IndexedGraph graph, UnionFind unions) => new(graph, unions);

    // Kahn's algorithm with a stack (depth-first flavour, as the reference's linearisation): it keeps chains
    // together, which also makes the prefix order a good linearised fallback.
    private int[] SortTopologically()
    {
        var indegree = new int[Count];
        for (var g = 0; g < Count; g++)
        {
            indegree[g] = Predecessors[g].Length;
        }

        var ready = new Stack<int>();
        for (var g = Count - 1; g >= 0; g--)
        {
            if (indegree[g] == 0)
            {
                ready.Push(g);
            }
        }

        var order = new List<int>(Count);
        while (ready.Count > 0)
        {
            var g = ready.Pop();
            order.Add(g);
            for (var s = Successors[g].Length - 1; s >= 0; s--)
            {
                if (--indegree[Successors[g][s]] == 0)
                {
                    ready.Push(Successors[g][s]);
                }
            }
        }

        if (order.Count != Count)
        {
            throw new InvalidOperationException("internal error: groups still form a cycle after fusing components");
        }

        return order.ToArray();
    }
}
