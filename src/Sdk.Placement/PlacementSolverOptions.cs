using System;

namespace Sdk.Placement;

/// <summary>
/// Bounded effort for the exact solver; past a bound it answers with the linearised fallback. The two counts are
/// deterministic: the same problem and options give the same answer on any machine. <see cref="TimeLimit"/> is for
/// interactive use only (it makes the answer depend on the machine's speed), and is off by default.
/// </summary>
public sealed record PlacementSolverOptions
{
    /// <summary>The most either count may be set to.</summary>
    public const long MaxLimit = 1_000_000_000_000;

    public static PlacementSolverOptions Default { get; } = new();

    /// <summary>Give up on the exact DP once the DAG has more ideals than this (the reference stops at 60,000).</summary>
    public long MaxIdeals { get; init; } = 200_000;

    /// <summary>
    /// Give up once the DPs have examined this many (set, subset) pairs, counted deterministically: about a second of
    /// work at the default. The reference inputs need at most a few million.
    /// </summary>
    public long MaxIdealPairs { get; init; } = 100_000_000;

    /// <summary>Give up on the exact DP after this long (null, the default: no wall-clock limit).</summary>
    public TimeSpan? TimeLimit { get; init; }
}
