namespace Sdk.Placement;

/// <summary>The pipeline solver's effort, in a deterministic count: the same problem gives the same answer anywhere.</summary>
public sealed record PipelineOptions
{
    public static PipelineOptions Default { get; } = new();

    /// <summary>
    /// Give up (with the best split found so far, <see cref="PlacementStatus.Fallback"/>) after examining this many
    /// successor states, i.e. (state, next chip, end of its run) candidates; each costs one RunCost call at most.
    /// </summary>
    public long MaxStatesExamined { get; init; } = 10_000_000;
}
