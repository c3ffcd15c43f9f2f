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

        var seen = new PairSet();
        var successors = new Grouping();
        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            int a = slotOfClass[from], b = slotOfClass[to];
            if (a != b && seen.Add(a, b))
            {
                successors.Add(a, b);
            }
        }

        return Kahn.IsAcyclic(successors.ToArrays(slotCount));
    }
}
