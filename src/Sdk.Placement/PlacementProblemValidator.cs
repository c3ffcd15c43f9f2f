using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sdk.Placement;

/// <summary>Checks a problem before solving; every error names the node id or the edge (index and endpoints).</summary>
public static class PlacementProblemValidator
{
    /// <summary>Relative tolerance when comparing the costs of edges that leave the same node (as the reference does).</summary>
    public const double OutgoingCostTolerance = 1e-6;

    /// <exception cref="PlacementValidationException">The first problem found.</exception>
    public static void Validate(PlacementProblem problem)
    {
        if (problem is null)
        {
            throw new ArgumentNullException(nameof(problem));
        }

        ValidateMachine(problem);
        var nodeById = ValidateNodes(problem.Nodes);
        ValidateEdges(problem.Edges, nodeById);
        ValidateAcyclic(problem, nodeById);
    }

    private static void ValidateMachine(PlacementProblem problem)
    {
        if (problem.Accelerators < 0)
        {
            throw new PlacementValidationException($"number of accelerators must be >= 0, got {problem.Accelerators}");
        }

        if (problem.Cpus < 0)
        {
            throw new PlacementValidationException($"number of CPUs must be >= 0, got {problem.Cpus}");
        }

        if (problem.Accelerators + problem.Cpus == 0 && problem.Nodes.Count > 0)
        {
            throw new PlacementValidationException("the machine has no devices (0 accelerators and 0 CPUs)");
        }

        if (double.IsNaN(problem.MaxMemoryPerAccelerator) || problem.MaxMemoryPerAccelerator < 0)
        {
            throw new PlacementValidationException(
                "max memory per accelerator must be a non-negative number, got " + Format(problem.MaxMemoryPerAccelerator));
        }
    }

    private static Dictionary<int, PlacementNode> ValidateNodes(IReadOnlyList<PlacementNode> nodes)
    {
        var nodeById = new Dictionary<int, PlacementNode>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i] ?? throw new PlacementValidationException($"node #{i} is null");
            if (nodeById.ContainsKey(node.Id))
            {
                throw new PlacementValidationException($"node id {node.Id} appears more than once");
            }

            nodeById.Add(node.Id, node);
            RequireNonNegative(node.CpuLatency, $"node {node.Id}: cpuLatency");
            RequireNonNegative(node.AcceleratorLatency, $"node {node.Id}: acceleratorLatency");
            RequireNonNegative(node.Size, $"node {node.Id}: size");
        }

        return nodeById;
    }

    private static void ValidateEdges(IReadOnlyList<PlacementEdge> edges, Dictionary<int, PlacementNode> nodeById)
    {
        var firstCostEdge = new Dictionary<int, int>();
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i] ?? throw new PlacementValidationException($"edge #{i} is null");
            var name = Describe(i, edge);
            if (!nodeById.TryGetValue(edge.SourceId, out var source))
            {
                throw new PlacementValidationException($"{name}: sourceId {edge.SourceId} is not a node id");
            }

            if (!nodeById.TryGetValue(edge.DestId, out var dest))
            {
                throw new PlacementValidationException($"{name}: destId {edge.DestId} is not a node id");
            }

            if (edge.SourceId == edge.DestId)
            {
                throw new PlacementValidationException($"{name}: self-loops are not allowed");
            }

            if (source.IsBackward && !dest.IsBackward)
            {
                throw new PlacementValidationException(
                    $"{name}: goes from backward node {edge.SourceId} to forward node {edge.DestId}");
            }

            RequireNonNegative(edge.Cost, $"{name}: cost");
            RequireSameOutgoingCost(edges, firstCostEdge, i);
        }
    }

    // The cost model charges a node's output once per crossing, so all its out-edges must agree on the price.
    private static void RequireSameOutgoingCost(IReadOnlyList<PlacementEdge> edges, Dictionary<int, int> firstCostEdge, int index)
    {
        var edge = edges[index];
        if (!firstCostEdge.TryGetValue(edge.SourceId, out var first))
        {
            firstCostEdge.Add(edge.SourceId, index);
            return;
        }

        var expected = edges[first].Cost;
        var scale = Math.Max(1.0, Math.Max(Math.Abs(expected), Math.Abs(edge.Cost)));
        if (Math.Abs(expected - edge.Cost) > OutgoingCostTolerance * scale)
        {
            throw new PlacementValidationException(
                $"{Describe(index, edge)}: cost {Format(edge.Cost)} differs from cost {Format(expected)} of "
                + $"{Describe(first, edges[first])}; all edges leaving node {edge.SourceId} must have the same cost");
        }
    }

    private static void ValidateAcyclic(PlacementProblem problem, Dictionary<int, PlacementNode> nodeById)
    {
        var successors = new Dictionary<int, List<int>>();
        var indegree = new Dictionary<int, int>();
        foreach (var id in nodeById.Keys)
        {
            successors[id] = new List<int>();
            indegree[id] = 0;
        }

        foreach (var edge in problem.Edges)
        {
            successors[edge.SourceId].Add(edge.DestId);
            indegree[edge.DestId]++;
        }

        var ready = new Stack<int>();
        foreach (var pair in indegree)
        {
            if (pair.Value == 0)
            {
                ready.Push(pair.Key);
            }
        }

        var processed = 0;
        while (ready.Count > 0)
        {
            var id = ready.Pop();
            processed++;
            foreach (var next in successors[id])
            {
                if (--indegree[next] == 0)
                {
                    ready.Push(next);
                }
            }
        }

        if (processed == nodeById.Count)
        {
            return;
        }

        throw new PlacementValidationException($"the graph has a cycle through node {FindNodeOnCycle(problem, indegree)}");
    }

    // Every unprocessed node still has an unprocessed predecessor, so walking backwards must repeat a node.
    private static int FindNodeOnCycle(PlacementProblem problem, Dictionary<int, int> remainingIndegree)
    {
        var unprocessedPredecessor = new Dictionary<int, int>();
        foreach (var edge in problem.Edges)
        {
            if (remainingIndegree[edge.SourceId] > 0 && remainingIndegree[edge.DestId] > 0)
            {
                unprocessedPredecessor[edge.DestId] = edge.SourceId;
            }
        }

        var start = int.MaxValue;
        foreach (var id in unprocessedPredecessor.Keys)
        {
            start = Math.Min(start, id);
        }

        var seen = new HashSet<int>();
        var current = start;
        while (seen.Add(current))
        {
            current = unprocessedPredecessor[current];
        }

        return current;
    }

    private static void RequireNonNegative(double value, string what)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            throw new PlacementValidationException($"{what} must be a finite non-negative number, got {Format(value)}");
        }
    }

    private static string Describe(int index, PlacementEdge edge) =>
        $"edge #{index} ({edge.SourceId} -> {edge.DestId})";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
