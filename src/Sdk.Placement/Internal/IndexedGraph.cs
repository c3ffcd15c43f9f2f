using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>A validated problem with nodes and colour classes renumbered 0..n-1, the form every algorithm works on.</summary>
internal sealed class IndexedGraph
{
    private IndexedGraph(PlacementProblem problem)
    {
        Problem = problem;
        var nodes = problem.Nodes;
        NodeCount = nodes.Count;
        Ids = new int[NodeCount];
        CpuLatency = new double[NodeCount];
        AcceleratorLatency = new double[NodeCount];
        Size = new double[NodeCount];
        Supported = new bool[NodeCount];
        Backward = new bool[NodeCount];
        ClassOf = new int[NodeCount];
        var classIndex = new Dictionary<int, int>();
        for (var i = 0; i < NodeCount; i++)
        {
            var node = nodes[i];
            Ids[i] = node.Id;
            IndexOfId[node.Id] = i;
            CpuLatency[i] = node.CpuLatency;
            AcceleratorLatency[i] = node.AcceleratorLatency;
            Size[i] = node.Size;
            TotalSize += node.Size;
            Supported[i] = node.SupportedOnAccelerator;
            Backward[i] = node.IsBackward;
            ClassOf[i] = ClassIndexOf(node, classIndex);
        }

        Successors = BuildSuccessors(problem, out var outputCost);
        OutputCost = outputCost;
        ClassContiguityEdges = BuildClassContiguityEdges();
    }

    public PlacementProblem Problem { get; }

    public int NodeCount { get; }

    public int[] Ids { get; }

    public Dictionary<int, int> IndexOfId { get; } = new();

    public double[] CpuLatency { get; }

    public double[] AcceleratorLatency { get; }

    public double[] Size { get; }

    public double TotalSize { get; }

    public bool[] Supported { get; }

    public bool[] Backward { get; }

    /// <summary>Dense colour class of each node; a node without a colour class gets one of its own.</summary>
    public int[] ClassOf { get; }

    public int ClassCount { get; private set; }

    /// <summary>Distinct successors of each node.</summary>
    public int[][] Successors { get; }

    /// <summary>The cost of moving a node's output off its device (0 for nodes without out-edges).</summary>
    public double[] OutputCost { get; }

    /// <summary>
    /// Edges between colour classes that define contiguity: forward edges, plus mirrored backward edges for a class
    /// that has only backward nodes (the reference gives such a class an artificial forward twin with mirrored edges).
    /// Deduplicated, no self-loops.
    /// </summary>
    public IReadOnlyList<(int From, int To)> ClassContiguityEdges { get; }

    public static IndexedGraph Create(PlacementProblem problem)
    {
        PlacementProblemValidator.Validate(problem);
        return new IndexedGraph(problem);
    }

    /// <summary>True when even all nodes together fit on one accelerator, so memory can never bind.</summary>
    public bool MemoryNeverBinds =>
        Problem.Accelerators == 0 || MemoryLimit.Fits(TotalSize, Problem.MaxMemoryPerAccelerator);

    private int ClassIndexOf(PlacementNode node, Dictionary<int, int> classIndex)
    {
        if (node.ColorClass is not int colorClass)
        {
            return ClassCount++;
        }

        if (!classIndex.TryGetValue(colorClass, out var index))
        {
            index = ClassCount++;
            classIndex.Add(colorClass, index);
        }

        return index;
    }

    // Duplicate edges collapse (in linear time, even for a node feeding 10^5 others).
    private int[][] BuildSuccessors(PlacementProblem problem, out double[] outputCost)
    {
        var successors = new Grouping(problem.Edges.Count);
        outputCost = new double[NodeCount];
        var seen = new PairSet();
        foreach (var edge in problem.Edges)
        {
            var source = IndexOfId[edge.SourceId];
            var dest = IndexOfId[edge.DestId];
            outputCost[source] = edge.Cost; // the validator checked that all out-edges agree
            if (seen.Add(source, dest))
            {
                successors.Add(source, dest);
            }
        }

        return successors.ToArrays(NodeCount);
    }

    private List<(int From, int To)> BuildClassContiguityEdges()
    {
        var classHasForwardNode = new bool[ClassCount];
        for (var i = 0; i < NodeCount; i++)
        {
            if (!Backward[i])
            {
                classHasForwardNode[ClassOf[i]] = true;
            }
        }

        var seen = new PairSet();
        var edges = new List<(int From, int To)>();
        for (var u = 0; u < NodeCount; u++)
        {
            foreach (var v in Successors[u])
            {
                int from = ClassOf[u], to = ClassOf[v];
                if (Backward[u] && Backward[v] && (!classHasForwardNode[from] || !classHasForwardNode[to]))
                {
                    (from, to) = (to, from); // mirrored: the orphan's artificial forward twin
                }
                else if (Backward[u] || Backward[v])
                {
                    continue; // only the forward graph constrains contiguity
                }

                if (from != to && seen.Add(from, to))
                {
                    edges.Add((from, to));
                }
            }
        }

        return edges;
    }
}
