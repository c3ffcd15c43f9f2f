using System;

namespace Sdk.Placement;

/// <summary>Bounded effort for the exact solver; past either bound it answers with the linearised fallback.</summary>
public sealed record PlacementSolverOptions
{
    public static PlacementSolverOptions Default { get; } = new();

    /// <summary>Give up on the exact DP once the DAG has more ideals than this (the reference stops at 60,000).</summary>
    public long MaxIdeals { get; init; } = 200_000;

    /// <summary>Give up on the exact DP after this long (null: no limit besides <see cref="MaxIdeals"/>).</summary>
    public TimeSpan? TimeLimit { get; init; } = TimeSpan.FromSeconds(60);
}
