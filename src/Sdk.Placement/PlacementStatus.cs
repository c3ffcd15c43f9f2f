namespace Sdk.Placement;

public enum PlacementStatus
{
    /// <summary>The least max-load over all pipeline-ordered contiguous placements.</summary>
    Optimal,

    /// <summary>The exact search was cut short (see <see cref="FallbackReason"/>); the placement is the best split of
    /// one topological order into consecutive runs: valid, but only an upper bound on the optimum.</summary>
    Fallback,

    /// <summary>No placement fits (e.g. unsupported nodes and no CPU, or a unit larger than an accelerator's memory).</summary>
    Infeasible,
}

public enum FallbackReason
{
    None,

    /// <summary>The DAG has more ideals than <see cref="PlacementSolverOptions.MaxIdeals"/> (or than the memory limit of the tables allows).</summary>
    TooManyIdeals,

    /// <summary>The DPs examined more (set, subset) pairs than <see cref="PlacementSolverOptions.MaxIdealPairs"/>.</summary>
    TooManyPairs,

    /// <summary>Even the DP over one topological order needs a table (units x device combinations) above the memory limit.</summary>
    MemoryLimit,

    /// <summary>The exact search ran past <see cref="PlacementSolverOptions.TimeLimit"/>.</summary>
    TimeLimit,
}
