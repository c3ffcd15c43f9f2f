using System;

namespace Sdk.Placement.Internal;

/// <summary>
/// The best split of one topological order of the units into consecutive runs (<see cref="ChainDp"/>): exact for a
/// total order, and otherwise a valid placement whose max-load caps the exact DP. When the chain's table would be
/// too large (units x device layers) or its effort runs out, a coarse chain of at most 4,096 blocks of units answers
/// instead: a valid placement, found in bounded work, but only an upper bound.
/// </summary>
internal static class LinearisedSplit
{
    private const int CoarsePositions = 4096;

    public static (DpSolution Solution, EffortLimit Limit) Solve(PlacementUnits units, DeviceLayers layers, Effort effort, Func<bool> cancelled)
    {
        var n = units.Count;
        var limit = EffortLimit.MemoryLimit;
        if ((long)(n + 1) * layers.Count <= MemoryBudget.MaxDpEntries)
        {
            var fine = ChainDp.Solve(units, ChainDp.EveryUnit(n), layers, effort);
            if (fine is not null)
            {
                return (fine, EffortLimit.None);
            }

            limit = effort.Limit;
        }

        var positions = (int)Math.Max(1, Math.Min(Math.Min(n, CoarsePositions), (MemoryBudget.MaxDpEntries / layers.Count) - 1));
        var blockSize = Math.Max(1, (n + positions - 1) / positions);
        var coarse = ChainDp.Solve(units, ChainDp.Blocks(n, blockSize), layers, new Effort(long.MaxValue, cancelled));
        return (coarse!, limit);
    }
}
