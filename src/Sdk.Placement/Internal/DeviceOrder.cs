using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>Whether device sets form a pipeline: the graph of devices induced by contiguity edges is acyclic.</summary>
internal static class DeviceOrder
{
    public static bool IsPipeline(IndexedGraph graph, int[] slotOfNode, int slotCount)
    {
        var slotOfClass = new int[graph.ClassCount];
        for (var v = 0; v < graph.NodeCount; v++)
        {
            slotOfClass[graph.ClassOf[v]] = slotOfNode[v];
        }

        var successors = new HashSet<int>[slotCount];
        var indegree = new int[slotCount];
        for (var d = 0; d < slotCount; d++)
        {
            successors[d] = new HashSet<int>();
        }

        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            int a = slotOfClass[from], b = slotOfClass[to];
            if (a != b && successors[a].Add(b))
            {
                indegree[b]++;
            }
        }

        var ready = new Stack<int>();
        for (var d = 0; d < slotCount; d++)
        {
            if (indegree[d] == 0)
            {
                ready.Push(d);
            }
        }

        var removed = 0;
        while (ready.Count > 0)
        {
            var d = ready.Pop();
            removed++;
            foreach (var next in successors[d])
            {
                if (--indegree[next] == 0)
                {
                    ready.Push(next);
                }
            }
        }

        return removed == slotCount;
    }
}
