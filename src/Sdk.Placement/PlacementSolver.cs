using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Sdk.Placement.Internal;

namespace Sdk.Placement;

/// <summary>
/// Exact max-load placement (Tarnawski et al., NeurIPS 2020): a DP over the ideals of the DAG, exact over
/// placements whose device sets can be ordered as a pipeline (see <see cref="ContiguityRule.PipelineOrder"/>).
/// Effort is bounded by <see cref="PlacementSolverOptions"/>; past it, the same DP runs over the prefixes of one
/// topological order instead, which is fast and valid but only an upper bound.
/// </summary>
public static class PlacementSolver
{
    // Bitsets of all ideals (8 bytes a word) and DP tables (13 bytes an entry) must stay around 100-200 MB
    // whatever MaxIdeals says.
    private const long MaxBitsetWords = 1L << 24;
    private const long MaxDpEntries = 1L << 24;
    private const int CoarseChainLength = 256;

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
        var chain = SolveLinearised(problem, units, cancellationToken);
        var layers = (long)(problem.Accelerators + 1) * (problem.Cpus + 1);
        var maxIdeals = Math.Min(options.MaxIdeals, Math.Max(1, Math.Min(MaxBitsetWords / units.Words, MaxDpEntries / layers)));
        var lattice = IdealEnumerator.Enumerate(units, maxIdeals, OutOfTime, out var limit, out var idealCount);

        // A DAG with one ideal per prefix is a total order: the linearised split is already the exact answer.
        var totalOrder = lattice is not null && lattice.Count == units.Count + 1;
        var exact = lattice is null || totalOrder
            ? null
            : LatticeDp.Solve(lattice, problem.Accelerators, problem.Cpus, problem.MaxMemoryPerAccelerator, OutOfTime, chain.MaxLoad);
        if (lattice is not null && !totalOrder && exact is null)
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

    // Best split of one topological order. On big graphs a coarse chain (blocks of units) first gives an upper
    // bound, which keeps the walks of the fine chain short; otherwise a chain costs up to units^2 pairs.
    private static DpSolution SolveLinearised(PlacementProblem problem, PlacementUnits units, CancellationToken cancellationToken)
    {
        bool NeverOutOfTime()
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }

        DpSolution? coarse = null;
        if (units.Count > 2 * CoarseChainLength)
        {
            var blockSize = (units.Count + CoarseChainLength - 1) / CoarseChainLength;
            coarse = LatticeDp.Solve(IdealEnumerator.Chain(units, blockSize), problem.Accelerators, problem.Cpus, problem.MaxMemoryPerAccelerator, NeverOutOfTime)!;
        }

        var bound = coarse?.MaxLoad ?? double.PositiveInfinity;
        var fine = LatticeDp.Solve(IdealEnumerator.Chain(units), problem.Accelerators, problem.Cpus, problem.MaxMemoryPerAccelerator, NeverOutOfTime, bound)!;
        return coarse is null || !double.IsPositiveInfinity(fine.MaxLoad) ? fine : coarse;
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
            if (Math.Abs(maxLoad - solution.MaxLoad) > 1e-9 * Math.Max(1, maxLoad))
            {
                throw new InvalidOperationException(
                    $"internal error: the DP promised max-load {solution.MaxLoad:R} but its placement costs {maxLoad:R}");
            }

            foreach (var device in devices)
            {
                foreach (var id in device.NodeIds)
                {
                    deviceOfNode[id] = device.Device;
                }
            }
        }

        var stats = new PlacementStats(
            graph.NodeCount, units.Count, units.MergedClasses, units.Free.Count, idealCount, pairs, clock.Elapsed);
        return new PlacementResult(status, reason, maxLoad, devices, deviceOfNode, stats);
    }

    private static int[] AssignSlots(IndexedGraph graph, PlacementUnits units, IdealLattice lattice, IReadOnlyList<Stage> stages)
    {
        var slotOfNode = new int[graph.NodeCount];
        var slotOfStage = new int[stages.Count];
        var stageOfUnit = new int[units.Count];
        int nextAccelerator = 0, nextCpu = 0;
        for (var s = 0; s < stages.Count; s++)
        {
            var stage = stages[s];
            slotOfStage[s] = stage.Kind == DeviceKind.Accelerator ? nextAccelerator++ : graph.Problem.Accelerators + nextCpu++;
            for (var unit = 0; unit < units.Count; unit++)
            {
                if (lattice.Contains(stage.Outer, unit) && !lattice.Contains(stage.Inner, unit))
                {
                    stageOfUnit[unit] = s;
                    foreach (var node in units.NodesOfUnit[unit])
                    {
                        slotOfNode[node] = slotOfStage[s];
                    }
                }
            }
        }

        // A free group joins the stage of its latest predecessor (the first stage if none); with no stages at all
        // (everything free) slot 0 is accelerator 0, or CPU 0 when there are no accelerators.
        var stageOfFree = new int[units.Free.Count];
        for (var f = 0; f < units.Free.Count; f++)
        {
            var group = units.Free[f];
            var stage = 0;
            foreach (var unit in group.PredecessorUnits)
            {
                stage = Math.Max(stage, stageOfUnit[unit]);
            }

            foreach (var earlier in group.PredecessorFreeGroups)
            {
                stage = Math.Max(stage, stageOfFree[earlier]);
            }

            stageOfFree[f] = stage;
            foreach (var node in group.Nodes)
            {
                slotOfNode[node] = stages.Count > 0 ? slotOfStage[stage] : 0;
            }
        }

        return slotOfNode;
    }
}
