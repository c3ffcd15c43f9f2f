using System;

namespace Sdk.Placement.Internal;

/// <summary>
/// The best split of one topological order of the units into consecutive runs (<see cref="ChainDp"/>): exact for a
/// total order, and otherwise a valid placement whose max-load caps the exact DP. A coarse chain of at most 4,096
/// blocks of units comes first on long chains: its value caps the fine chain, whose layers it prunes (a fine
/// chain that finds nothing below it is answered by the coarse split, which is then optimal for it too). When the
/// fine chain's table would be too large (units x device layers) or its effort runs out, the coarse split is the
/// answer: a valid placement, found in bounded work, but only an upper bound.
/// </summary>
internal static class LinearisedSplit
{
    private const int CoarsePositions = 4096;

    public static (DpSolution Solution, EffortLimit Limit) Solve(PlacementUnits units, DeviceLayers layers, Effort effort, Func<bool> cancelled)
    {
        var n = units.Count;
        var coarse = n > 2 * CoarsePositions ? Coarse(units, layers, cancelled) : null;
        var limit = EffortLimit.MemoryLimit;
        if ((long)(n + 1) * layers.Count <= MemoryBudget.MaxDpEntries)
        {
            var bound = coarse?.MaxLoad ?? double.PositiveInfinity;
            var fine = ChainDp.Solve(units, ChainDp.EveryUnit(n), layers.WithUpperBound(bound), effort);
            if (fine is not null)
            {
                return (coarse is null || !double.IsPositiveInfinity(fine.MaxLoad) ? fine : coarse, EffortLimit.None);
            }

            limit = effort.Limit;
        }

        return (coarse ?? Coarse(units, layers, cancelled), limit);
    }

    // Positions of whole blocks: at most CoarsePositions of them, and few enough for the table's memory limit. P
    // positions hold at most P stages, so devices beyond P are dropped, which keeps (P + 1) x layers in the budget even
    // for thousands of devices. Its work is bounded by P^2 x layers whatever the graph, so it runs outside the effort
    // budget.
    private static DpSolution Coarse(PlacementUnits units, DeviceLayers layers, Func<bool> cancelled)
    {
        var n = units.Count;
        var positions = Math.Max(1, Math.Min(n, CoarsePositions));
        while (positions > 1 && (long)(positions + 1) * Fewer(layers, positions).Count > MemoryBudget.MaxDpEntries)
        {
            positions = positions * 3 / 4;
        }

        var blockSize = Math.Max(1, (n + positions - 1) / positions);
        return ChainDp.Solve(units, ChainDp.Blocks(n, blockSize), Fewer(layers, positions), new Effort(long.MaxValue, cancelled))!;
    }

    private static DeviceLayers Fewer(DeviceLayers layers, int devices) => new(
        Math.Min(layers.Accelerators, devices), Math.Min(layers.Cpus, devices), layers.MaxMemory, layers.CpuPerAccelerator, layers.UpperBound);
}
