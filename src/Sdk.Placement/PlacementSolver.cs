using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Sdk.Placement.Internal;

namespace Sdk.Placement;

/// <summary>
/// Exact max-load placement (Tarnawski et al., NeurIPS 2020): a DP over the ideals of the DAG, exact over
/// placements whose device sets can be ordered as a pipeline (see <see cref="ContiguityRule.PipelineOrder"/>).
/// Effort is bounded by <see cref="PlacementSolverOptions"/>; past it, the same DP over the prefixes of one
/// topological order answers instead, which is fast and valid but only an upper bound.
/// </summary>
public static class PlacementSolver
{
    /// <exception cref="PlacementValidationException">The problem is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static PlacementResult Solve(
        PlacementProblem problem, PlacementSolverOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PlacementSolverOptions.Default;
        Validate(options);
        var clock = Stopwatch.StartNew();
        var graph = IndexedGraph.Create(problem);
        var units = PlacementUnits.Build(graph);
        bool Cancelled()
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }

        bool OutOfTime() => Cancelled() || (options.TimeLimit is TimeSpan limit && clock.Elapsed > limit);
        var effort = new Effort(options.MaxIdealPairs, OutOfTime);

        // A device beyond one per unit can only stay empty, so the DPs count only those that can be used.
        var accelerators = Math.Min(problem.Accelerators, units.Count);
        var cpus = Math.Min(problem.Cpus, units.Count);
        var anyLoad = new DeviceLayers(accelerators, cpus, problem.MaxMemoryPerAccelerator, units.CpuPerAccelerator, double.PositiveInfinity);

        // The linearised split is cheap, always valid, and its value caps the exact DP (which prunes much harder).
        var (chain, limit) = LinearisedSplit.Solve(units, anyLoad, effort, Cancelled);
        var blocks = SeriesBlocks.Find(units);
        long idealCount = units.Count + 1;
        var best = chain;
        if (!blocks.IsTotalOrder && limit == EffortLimit.None)
        {
            var layers = anyLoad.WithUpperBound(chain.MaxLoad);
            var words = Math.Max(1, (blocks.LargestBlock() + 63) / 64);
            var maxIdeals = Math.Min(options.MaxIdeals, Math.Min(MemoryBudget.MaxBitsetWords / words, MemoryBudget.MaxDpEntries / layers.Count));
            var lattice = IdealEnumerator.Enumerate(units, blocks, maxIdeals, effort, out limit, out idealCount);
                var exact = lattice is null ? null : LatticeDp.Solve(lattice, layers, effort);
            limit = lattice is not null && exact is null ? effort.Limit : limit;

            // Nothing strictly below the linearised value means the linearised split is itself optimal.
            best = exact is not null && !double.IsPositiveInfinity(exact.MaxLoad) ? exact : chain;
        }

        return BuildResult(graph, units, best, Reason(limit), idealCount, effort.Pairs, clock);
    }

    private static void Validate(PlacementSolverOptions options)
    {
        RequireCount(options.MaxIdeals, nameof(options.MaxIdeals));
        RequireCount(options.MaxIdealPairs, nameof(options.MaxIdealPairs));
        if (options.TimeLimit is TimeSpan time && time < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"option {nameof(options.TimeLimit)} must not be negative, got {time}");
        }
    }

    private static void RequireCount(long value, string name)
    {
        if (value < 0 || value > PlacementSolverOptions.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value),
                $"option {name} must be between 0 and {PlacementSolverOptions.MaxLimit.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static FallbackReason Reason(EffortLimit limit) => limit switch
    {
        EffortLimit.TooManyIdeals => FallbackReason.TooManyIdeals,
        EffortLimit.TooManyPairs => FallbackReason.TooManyPairs,
        EffortLimit.MemoryLimit => FallbackReason.MemoryLimit,
        EffortLimit.TimeLimit => FallbackReason.TimeLimit,
        _ => FallbackReason.None,
    };

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
            devices = PlacementEvaluator.Score(graph, SlotAssignment.Assign(graph, units, solution), out maxLoad); // on the original graph
            CheckAgreement(solution.MaxLoad, maxLoad, units.Hyperedges.TotalCost);
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

    // The DPs sum latencies and costs in another order than the evaluator (the chain DP's communication comes from
    // differences of sums over all hyperedges), so they agree up to rounding of those sums.
    private static void CheckAgreement(double promised, double evaluated, double totalCost)
    {
        var tolerance = (1e-9 * Math.Max(1, evaluated)) + (1e-12 * totalCost);
        if (Math.Abs(promised - evaluated) > tolerance)
        {
            throw new InvalidOperationException(
                $"internal error: the DP promised max-load {promised.ToString("R", CultureInfo.InvariantCulture)} but its placement costs {evaluated.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }
}
