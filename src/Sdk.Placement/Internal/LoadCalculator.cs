namespace Sdk.Placement.Internal;

/// <summary>
/// The cost model on the original graph. Devices are slots: accelerators 0..k-1, then CPUs k..k+l-1.
/// A node whose output is needed on another device costs its output cost once on its own device (one send,
/// however many receivers) and once on every other device that reads it (one receive per device). Only
/// accelerators pay for communication; a CPU works in host memory.
/// </summary>
internal sealed class LoadCalculator
{
    private readonly IndexedGraph graph;
    private readonly int[] seenStamp;
    private int stamp;

    public LoadCalculator(IndexedGraph graph)
    {
        this.graph = graph;
        AcceleratorCount = graph.Problem.Accelerators;
        SlotCount = AcceleratorCount + graph.Problem.Cpus;
        seenStamp = new int[SlotCount];
    }

    public int AcceleratorCount { get; }

    public int SlotCount { get; }

    public bool IsAccelerator(int slot) => slot < AcceleratorCount;

    /// <summary>Fills compute, communication and memory per slot (arrays of SlotCount, overwritten).</summary>
    public void Compute(int[] slotOfNode, double[] compute, double[] communication, double[] memory)
    {
        for (var d = 0; d < SlotCount; d++)
        {
            compute[d] = communication[d] = memory[d] = 0;
        }

        for (var v = 0; v < graph.NodeCount; v++)
        {
            var slot = slotOfNode[v];
            if (IsAccelerator(slot))
            {
                compute[slot] += graph.AcceleratorLatency[v];
                memory[slot] += graph.Size[v];
            }
            else
            {
                compute[slot] += graph.CpuLatency[v];
            }
        }

        for (var w = 0; w < graph.NodeCount; w++)
        {
            AddCommunication(w, slotOfNode, communication);
        }
    }

    /// <summary>Max over slots of compute + communication.</summary>
    public double MaxLoad(int[] slotOfNode, double[] compute, double[] communication, double[] memory)
    {
        Compute(slotOfNode, compute, communication, memory);
        var max = 0.0;
        for (var d = 0; d < SlotCount; d++)
        {
            var load = compute[d] + communication[d];
            if (load > max)
            {
                max = load;
            }
        }

        return max;
    }

    private void AddCommunication(int w, int[] slotOfNode, double[] communication)
    {
        var successors = graph.Successors[w];
        if (successors.Length == 0)
        {
            return;
        }

        var own = slotOfNode[w];
        var cost = graph.OutputCost[w];
        var leaves = false;
        stamp++;
        foreach (var s in successors)
        {
            var slot = slotOfNode[s];
            if (slot == own || seenStamp[slot] == stamp)
            {
                continue;
            }

            seenStamp[slot] = stamp;
            leaves = true;
            if (IsAccelerator(slot))
            {
                communication[slot] += cost;
            }
        }

        if (leaves && IsAccelerator(own))
        {
            communication[own] += cost;
        }
    }
}
