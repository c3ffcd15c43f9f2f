using System;
using System.Collections.Generic;
using System.Diagnostics;
using Sdk.Placement.Internal;

namespace Sdk.Placement;

/// <summary>
/// Reference solver for tiny graphs: tries every assignment of colour classes to devices (identical devices are
/// not told apart) and scores each with the cost model on the original graph. It shares nothing with the DP but
/// the cost model and the definition of contiguity edges, which is what makes it a useful check.
/// </summary>
public static class BruteForcePlacementSolver
{
    /// <summary>Beyond this the search takes far too long.</summary>
    public const int MaxClasses = 16;

    public static PlacementResult Solve(PlacementProblem problem, ContiguityRule rule = ContiguityRule.PipelineOrder)
    {
        var clock = Stopwatch.StartNew();
        var graph = IndexedGraph.Create(problem);
        if (graph.ClassCount > MaxClasses)
        {
            throw new ArgumentException(
                $"brute force handles at most {MaxClasses} colour classes, this graph has {graph.ClassCount}", nameof(problem));
        }

        if (problem.Accelerators + problem.Cpus > 64)
        {
            throw new ArgumentException("brute force handles at most 64 devices", nameof(problem));
        }

        var search = new BruteForceSearch(graph, rule);
        var best = search.Run(out var leaves);
        var stats = new PlacementStats(graph.NodeCount, graph.ClassCount, 0, 0, 0, leaves, clock.Elapsed);
        if (best is null)
        {
            return new PlacementResult(
                PlacementStatus.Infeasible, FallbackReason.None, double.PositiveInfinity, Array.Empty<DevicePlacement>(), new Dictionary<int, DeviceId>(), stats);
        }

        var devices = PlacementEvaluator.Score(graph, best, out var maxLoad);
        var deviceOfNode = new Dictionary<int, DeviceId>();
        foreach (var device in devices)
        {
            foreach (var id in device.NodeIds)
            {
                deviceOfNode[id] = device.Device;
            }
        }

        return new PlacementResult(PlacementStatus.Optimal, FallbackReason.None, maxLoad, devices, deviceOfNode, stats);
    }
}
