using System;
using System.Collections.Generic;
using System.Globalization;
using Sdk.Placement.Internal;

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
        var indexOfId = ValidateNodes(problem.Nodes);
        ValidateEdges(problem.Nodes, problem.Edges, indexOfId);
        ValidateAcyclic(problem, indexOfId);
    }

    private static void ValidateMachine(PlacementProblem problem)
    {
        RequireCount(problem.Accelerators, "number of accelerators", PlacementProblem.MaxDevices);
        RequireCount(problem.Cpus, "number of CPUs", PlacementProblem.MaxDevices);
        RequireCount(problem.Nodes.Count, "number of nodes", PlacementProblem.MaxNodes);
        RequireCount(problem.Edges.Count, "number of edges", PlacementProblem.MaxEdges);
        if (problem.Accelerators + problem.Cpus == 0 && problem.Nodes.Count > 0)
        {
            throw new PlacementValidationException("the machine has no devices (0 accelerators and 0 CPUs)");
        }

        if (double.IsNaN(problem.MaxMemoryPerAccelerator) || problem.MaxMemoryPerAccelerator < 0)
        {
            throw new PlacementValidationException(
                "max memory per accelerator must be a non-negative number (or +infinity), got " + Format(problem.MaxMemoryPerAccelerator));
        }
    }

    private static void RequireCount(int value, string what, int limit)
    {
        if (value < 0 || value > limit)
        {
            throw new PlacementValidationException(
                $"{what} must be between 0 and {limit.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static Dictionary<int, int> ValidateNodes(IReadOnlyList<PlacementNode> nodes)
    {
        var indexOfId = new Dictionary<int, int>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i] ?? throw new PlacementValidationException($"node #{i} is null");
            if (indexOfId.ContainsKey(node.Id))
            {
                throw new PlacementValidationException($"node id {node.Id} appears more than once");
            }

            indexOfId.Add(node.Id, i);
            RequireNumber(node.CpuLatency, node, "cpuLatency");
            RequireNumber(node.AcceleratorLatency, node, "acceleratorLatency");
            RequireNumber(node.Size, node, "size");
        }

        return indexOfId;
    }

    private static void ValidateEdges(IReadOnlyList<PlacementNode> nodes, IReadOnlyList<PlacementEdge> edges, Dictionary<int, int> indexOfId)
    {
        var firstOut = new int[nodes.Count]; // first edge leaving each node, + 1 (0: none yet)
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i] ?? throw new PlacementValidationException($"edge #{i} is null");
            if (!indexOfId.TryGetValue(edge.SourceId, out var source))
            {
                throw new PlacementValidationException($"{Describe(i, edge)}: sourceId {edge.SourceId} is not a node id");
            }

            if (!indexOfId.TryGetValue(edge.DestId, out var dest))
            {
                throw new PlacementValidationException($"{Describe(i, edge)}: destId {edge.DestId} is not a node id");
            }

            if (edge.SourceId == edge.DestId)
            {
                throw new PlacementValidationException($"{Describe(i, edge)}: self-loops are not allowed");
            }

            if (nodes[source].IsBackward && !nodes[dest].IsBackward)
            {
                throw new PlacementValidationException(
                    $"{Describe(i, edge)}: goes from backward node {edge.SourceId} to forward node {edge.DestId}");
            }

            if (!IsAllowed(edge.Cost))
            {
                throw Invalid($"{Describe(i, edge)}: cost", edge.Cost);
            }

            if (firstOut[source] == 0)
            {
                firstOut[source] = i + 1;
            }
            else
            {
                RequireSameOutgoingCost(edges, firstOut[source] - 1, i);
            }
        }
    }

    // The cost model charges a node's output once per crossing, so all its out-edges must agree on the price.
    private static void RequireSameOutgoingCost(IReadOnlyList<PlacementEdge> edges, int first, int index)
    {
        var edge = edges[index];
        var expected = edges[first].Cost;
        var scale = Math.Max(1.0, Math.Max(Math.Abs(expected), Math.Abs(edge.Cost)));
        if (Math.Abs(expected - edge.Cost) > OutgoingCostTolerance * scale)
        {
            throw new PlacementValidationException(
                $"{Describe(index, edge)}: cost {Format(edge.Cost)} differs from cost {Format(expected)} of "
                + $"{Describe(first, edges[first])}; all edges leaving node {edge.SourceId} must have the same cost");
        }
    }

    private static void ValidateAcyclic(PlacementProblem problem, Dictionary<int, int> indexOfId)
    {
        var successors = new Grouping(problem.Edges.Count);
        foreach (var edge in problem.Edges)
        {
            successors.Add(indexOfId[edge.SourceId], indexOfId[edge.DestId]);
        }

        var remaining = Kahn.RemainingIndegrees(successors.ToArrays(problem.Nodes.Count));
        if (Array.Exists(remaining, indegree => indegree > 0))
        {
            throw new PlacementValidationException($"the graph has a cycle through node {FindNodeOnCycle(problem, indexOfId, remaining)}");
        }
    }

    // Every node left with a positive indegree still has such a predecessor, so walking backwards must repeat a node.
    private static int FindNodeOnCycle(PlacementProblem problem, Dictionary<int, int> indexOfId, int[] remainingIndegree)
    {
        var unprocessedPredecessor = new Dictionary<int, int>();
        foreach (var edge in problem.Edges)
        {
            if (remainingIndegree[indexOfId[edge.SourceId]] > 0 && remainingIndegree[indexOfId[edge.DestId]] > 0)
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

    private static void RequireNumber(double value, PlacementNode node, string field)
    {
        if (!IsAllowed(value))
        {
            throw Invalid($"node {node.Id}: {field}", value);
        }
    }

    private static bool IsAllowed(double value) => value >= 0 && value <= PlacementProblem.MaxValue; // false for NaN

    private static PlacementValidationException Invalid(string what, double value) => new(
        $"{what} must be a finite number between 0 and {Format(PlacementProblem.MaxValue)}, got {Format(value)}");

    private static string Describe(int index, PlacementEdge edge) =>
        $"edge #{index} ({edge.SourceId} -> {edge.DestId})";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
