using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>
/// A split of the node order over the chips. <see cref="PlacementStatus.Optimal"/>: the least max-load of all splits;
/// <see cref="PlacementStatus.Fallback"/>: the budget ran out, this is the best split found (MaxLoad +infinity and no
/// chips when none was); <see cref="PlacementStatus.Infeasible"/>: no split has a finite cost.
/// </summary>
public sealed class PipelineResult
{
    public PipelineResult(PlacementStatus status, double maxLoad, IReadOnlyList<int> chipOfNode, IReadOnlyList<PipelineRun> runs, long statesExamined)
    {
        Status = status;
        MaxLoad = maxLoad;
        ChipOfNode = chipOfNode;
        Runs = runs;
        StatesExamined = statesExamined;
    }

    public PlacementStatus Status { get; }

    /// <summary>The largest RunCost of the split, seconds per sample; +infinity without a split.</summary>
    public double MaxLoad { get; }

    /// <summary>The chip of every node (non-decreasing along the order); empty without a split.</summary>
    public IReadOnlyList<int> ChipOfNode { get; }

    /// <summary>The non-empty runs in pipeline order, with their costs.</summary>
    public IReadOnlyList<PipelineRun> Runs { get; }

    /// <summary>Successor states the DP examined (the effort that <see cref="PipelineOptions.MaxStatesExamined"/> bounds).</summary>
    public long StatesExamined { get; }
}

/// <summary>Chip <paramref name="Chip"/> runs nodes [Start, End) at <paramref name="Cost"/> seconds per sample.</summary>
public sealed record PipelineRun(int Chip, int Start, int End, double Cost);
