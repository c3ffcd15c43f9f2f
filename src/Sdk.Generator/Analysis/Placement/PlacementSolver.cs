using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Sdk.Generator.Analysis.Placement.Internal;

namespace Sdk.Generator.Analysis.Placement;

/// <summary>
/// Exact max-load placement (Tarnawski et al., NeurIPS 2020): a DP over the ideals of the DAG, exact over
/// placements whose device sets can be ordered as a pipeline (see <see cref="ContiguityRule.PipelineOrder"/>).
/// Effort is bounded by <see cref="PlacementSolverOptions"/>; past it, the same DP runs over the prefixes of one
/// topological order instead, which is fast and valid but only an upper bound.
/// </summary>
public static class PlacementSolver
{
    // Bitsets of all ideals must stay well below a few hundred MB whatever MaxIdeals says.
    private const long MaxBitsetWords = 1L << 24;

    /// <exception cref="PlacementValidationException">The problem is malformed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static PlacementResult Solve(
        PlacementProblem problem, PlacementSolverOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PlacementSolverOptions.Default;
        var clock = Stopwatch.StartNew();
        var graph = IndexedGraph.Create(problem);
        var units = PlacementUnits.Build(graph);
        bool OutOfTime()
        {
            cancellationToken.ThrowIfCancellationRequested();
            return options.TimeLimit is TimeSpan limit && clock.Elapsed > limit;
        }

        // The linearised split is cheap, always valid, and its value caps the exact DP (which prunes much harder).
        var chain = LatticeDp.Solve(IdealEnumerator.Chain(units), problem.Accelerators, problem.Cpus, problem.MaxMemoryPerAccelerator, () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        })!;
        var maxIdeals = Math.Min(options.MaxIdeals, Math.Max(1, MaxBitsetWords / units.Words));
        var lattice = IdealEnumerator.Enumerate(units, maxIdeals, OutOfTime, out var limit);
        var idealCount = lattice?.Count ?? (limit == EffortLimit.TooManyIdeals ? maxIdeals : 0);
        var exact = lattice is null
            ? null
            : LatticeDp.Solve(lattice, problem.Accelerators, problem.Cpus, problem.MaxMemoryPerAccelerator, OutOfTime, chain.MaxLoad);
        if (lattice is not null && exact is null)
        {
            limit = EffortLimit.TimeLimit;
        }

        var reason = limit switch
        {
            EffortLimit.TooManyIdeals => FallbackReason.TooManyIdeals,
            EffortLimit.TimeLimit => FallbackReason.TimeLimit,
            _ => FallbackReason.None,
        };

        // Nothing strictly below the linearised value means the linearised split is itself optimal.
        var best = exact is not null && !double.IsPositiveInfinity(exact.MaxLoad) ? exact : chain;
        var pairs = chain.PairsExamined + (exact?.PairsExamined ?? 0);
        return BuildResult(graph, units, best, reason, idealCount, pairs, clock);
    }

    private static PlacementResult BuildResult(
        IndexedGraph graph, PlacementUnits units, DpSolution solution, FallbackReason reason, long idealCount, long pairs, Stopwatch clock)
    {
        var feasible = !double.IsPositiveInfinity(solution.MaxLoad);
        var status = !feasible ? PlacementStatus.Infeasible
            : reason == FallbackReason.None ? PlacementStatus.Optimal
            : PlacementStatus.Fallback;
        var maxLoad = double.PositiveInfinity;
        IReadOnlyList<DevicePlacement> devices = Array.Empty<DevicePlacement>();
        var deviceOfNode = new Dictionary<int, DeviceId>();
        if (feasible)
        {
            var slotOfNode = AssignSlots(graph, units, solution.Lattice, solution.Stages);
            devices = PlacementEvaluator.Score(graph, slotOfNode, out maxLoad); // recomputed on the original graph
            foreach (var device in devices)
            {
                foreach (var id in device.NodeIds)
                {
                    deviceOfNode[id] = device.Device;
                }
            }
        }

        var stats = new PlacementStats(
            graph.NodeCount, units.Count, units.MergedClasses, idealCount, pairs, clock.Elapsed);
        return new PlacementResult(status, reason, maxLoad, devices, deviceOfNode, stats);
    }

    private static int[] AssignSlots(IndexedGraph graph, PlacementUnits units, IdealLattice lattice, IReadOnlyList<Stage> stages)
    {
        var slotOfNode = new int[graph.NodeCount];
        int nextAccelerator = 0, nextCpu = 0;
        foreach (var stage in stages)
        {
            var slot = stage.Kind == DeviceKind.Accelerator ? nextAccelerator++ : graph.Problem.Accelerators + nextCpu++;
            for (var unit = 0; unit < units.Count; unit++)
            {
                if (lattice.Contains(stage.Outer, unit) && !lattice.Contains(stage.Inner, unit))
                {
                    foreach (var node in units.NodesOfUnit[unit])
                    {
                        slotOfNode[node] = slot;
                    }
                }
            }
        }

        return slotOfNode;
    }
}
