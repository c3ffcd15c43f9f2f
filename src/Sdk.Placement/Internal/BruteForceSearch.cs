using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>Depth-first search over class-to-device assignments with only obviously safe pruning.</summary>
internal sealed class BruteForceSearch
{
    private readonly IndexedGraph graph;
    private readonly ContiguityRule rule;
    private readonly LoadCalculator calculator;
    private readonly int accelerators;
    private readonly int slots;
    private readonly double[] classCpu;
    private readonly double[] classAccelerator;
    private readonly double[] classSize;
    private readonly bool[] classUnsupported;
    private readonly int[][] contiguityNeighbours; // (other class, +1 if this -> other, -1 if other -> this)
    private readonly int[][] contiguityDirections;
    private readonly ulong[] descendants;
    private readonly ulong[] ancestors;
    private readonly int[] slotOfClass;
    private readonly double[] slotCompute;
    private readonly double[] slotMemory;
    private readonly ulong[][] deviceSuccessors; // one snapshot per depth, so backtracking is a copy
    private readonly int[] slotOfNode;
    private readonly double[] compute;
    private readonly double[] communication;
    private readonly double[] memory;
    private double bestLoad = double.PositiveInfinity;
    private int[]? bestSlots;
    private long leaves;

    public BruteForceSearch(IndexedGraph graph, ContiguityRule rule)
    {
        this.graph = graph;
        this.rule = rule;
        calculator = new LoadCalculator(graph);
        accelerators = graph.Problem.Accelerators;
        slots = calculator.SlotCount;
        var classes = graph.ClassCount;
        classCpu = new double[classes];
        classAccelerator = new double[classes];
        classSize = new double[classes];
        classUnsupported = new bool[classes];
        for (var v = 0; v < graph.NodeCount; v++)
        {
            var c = graph.ClassOf[v];
            classCpu[c] += graph.CpuLatency[v];
            classAccelerator[c] += graph.AcceleratorLatency[v];
            classSize[c] += graph.Size[v];
            classUnsupported[c] |= !graph.Supported[v];
        }

        var neighbours = new Grouping();
        var directions = new Grouping();

        foreach (var (from, to) in graph.ClassContiguityEdges)
        {
            neighbours.Add(from, to);
            directions.Add(from, +1);
            neighbours.Add(to, from);
            directions.Add(to, -1);
        }

        contiguityNeighbours = neighbours.ToArrays(classes);
        contiguityDirections = directions.ToArrays(classes);

        (descendants, ancestors) = Closure(graph);
        slotOfClass = new int[classes];
        slotCompute = new double[slots];
        slotMemory = new double[slots];
        deviceSuccessors = new ulong[classes + 1][];
        for (var depth = 0; depth <= classes; depth++)
        {
            deviceSuccessors[depth] = new ulong[slots];
        }

        slotOfNode = new int[graph.NodeCount];
        compute = new double[slots];
        communication = new double[slots];
        memory = new double[slots];
    }

    /// <summary>The best slot of every node, or null if nothing fits.</summary>
    public int[]? Run(out long leafCount)
    {
        Place(0, 0, 0);
        leafCount = leaves;
        return bestSlots;
    }

    private void Place(int cls, int usedAccelerators, int usedCpus)
    {
        if (cls == graph.ClassCount)
        {
            Score();
            return;
        }

        // Identical devices: the next new accelerator (or CPU) is always the lowest unused one.
        for (var a = 0; a < accelerators && a <= usedAccelerators; a++)
        {
            TrySlot(cls, a, a == usedAccelerators ? usedAccelerators + 1 : usedAccelerators, usedCpus);
        }

        for (var c = 0; c < slots - accelerators && c <= usedCpus; c++)
        {
            TrySlot(cls, accelerators + c, usedAccelerators, c == usedCpus ? usedCpus + 1 : usedCpus);
        }
    }

    private void TrySlot(int cls, int slot, int usedAccelerators, int usedCpus)
    {
        var onAccelerator = slot < accelerators;
        var added = onAccelerator ? classAccelerator[cls] : classCpu[cls];
        if (onAccelerator && (classUnsupported[cls] || !MemoryLimit.Fits(slotMemory[slot] + classSize[cls], graph.Problem.MaxMemoryPerAccelerator)))
        {
            return;
        }

        if (slotCompute[slot] + added >= bestLoad || !KeepsPipeline(cls, slot))
        {
            return; // communication only adds, so this cannot beat the best
        }

        slotOfClass[cls] = slot;
        slotCompute[slot] += added;
        slotMemory[slot] += onAccelerator ? classSize[cls] : 0;
        Place(cls + 1, usedAccelerators, usedCpus);
        slotCompute[slot] -= added;
        slotMemory[slot] -= onAccelerator ? classSize[cls] : 0;
    }

    // Adds the device edges that class cls creates with earlier classes into the snapshot for depth cls+1.
    private bool KeepsPipeline(int cls, int slot)
    {
        var edges = deviceSuccessors[cls + 1];
        System.Array.Copy(deviceSuccessors[cls], edges, slots);
        if (rule != ContiguityRule.PipelineOrder)
        {
            return true;
        }

        for (var i = 0; i < contiguityNeighbours[cls].Length; i++)
        {
            var other = contiguityNeighbours[cls][i];
            if (other >= cls || slotOfClass[other] == slot)
            {
                continue;
            }

            int from = slotOfClass[other], to = slot;
            if (contiguityDirections[cls][i] > 0)
            {
                (from, to) = (to, from);
            }

            edges[from] |= 1UL << to;
            if (Reaches(edges, to, from))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Reaches(ulong[] edges, int start, int target)
    {
        var seen = 1UL << start;
        var frontier = seen;
        while (frontier != 0)
        {
            var next = 0UL;
            for (var d = 0; d < edges.Length; d++)
            {
                if ((frontier & (1UL << d)) != 0)
                {
                    next |= edges[d];
                }
            }

            frontier = next & ~seen;
            seen |= next;
        }

        return (seen & (1UL << target)) != 0;
    }

    private void Score()
    {
        leaves++;
        if (rule == ContiguityRule.ConvexSets && !AllConvex())
        {
            return;
        }

        for (var v = 0; v < graph.NodeCount; v++)
        {
            slotOfNode[v] = slotOfClass[graph.ClassOf[v]];
        }

        var load = calculator.MaxLoad(slotOfNode, compute, communication, memory);
        if (load < bestLoad)
        {
            bestLoad = load;
            bestSlots = (int[])slotOfNode.Clone();
        }
    }

    // A set is convex when nothing outside it is both below and above members of it.
    private bool AllConvex()
    {
        for (var slot = 0; slot < slots; slot++)
        {
            ulong members = 0, below = 0, above = 0;
            for (var c = 0; c < graph.ClassCount; c++)
            {
                if (slotOfClass[c] == slot)
                {
                    members |= 1UL << c;
                    below |= descendants[c];
                    above |= ancestors[c];
                }
            }

            if ((below & above & ~members) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static (ulong[] Descendants, ulong[] Ancestors) Closure(IndexedGraph graph)
    {
        var classes = graph.ClassCount;
        var descendants = new ulong[classes];
        var ancestors = new ulong[classes];
        for (var c = 0; c < classes; c++)
        {
            descendants[c] = ancestors[c] = 1UL << c;
        }

        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (from, to) in graph.ClassContiguityEdges)
            {
                var down = descendants[from] | descendants[to];
                var up = ancestors[to] | ancestors[from];
                changed |= down != descendants[from] || up != ancestors[to];
                descendants[from] = down;
                ancestors[to] = up;
            }
        }

        return (descendants, ancestors);
    }
}
