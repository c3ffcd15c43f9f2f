using System;

namespace Sdk.Runtime.Training;

/// <summary>
/// Data-parallel training (<see cref="TrainerOptions.DataParallel"/>): <see cref="Replicas"/> copies of the network,
/// each on its own chips (a chip set of replicas x plan chips: replica r on chips r x C to r x C + C - 1), each training
/// on its share of every batch. Replica 0 trains on the master parameters; before each pass the master's trainable
/// tensors go to the other replicas in <see cref="Weights"/> (or, per layer, in the bits of <see cref="AdaptiveWeights"/>),
/// and after the backward pass their gradients come back in <see cref="Gradients"/> and are averaged into the master's,
/// weighted by share. The ledger counts this exchange apart from the cuts (<see cref="TrafficLedger.Exchange"/>).
/// </summary>
public sealed record DataParallelOptions
{
    /// <summary>The most replicas (as many as the chips a chip set holds).</summary>
    public const int MaxReplicas = ChipSet.MaxChips;

    /// <summary>Copies of the network, 1 (the default: no exchange, the single-copy training) or more.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The fixed encoding the weights travel in (default Float32: the replicas see the master's values).</summary>
    public WireEncoding Weights { get; init; } = WireFormat.Float32;

    /// <summary>When set, weights travel truncated with this policy instead, each layer watching its own norm.</summary>
    public AdaptivePrecision? AdaptiveWeights { get; init; }

    /// <summary>The encoding the replicas' gradients come back in (default Float32).</summary>
    public WireEncoding Gradients { get; init; } = WireFormat.Float32;

    internal void Validate(NetworkPlan plan)
    {
        if (Replicas is < 1 or > MaxReplicas)
        {
            throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, $"Network '{plan.Name}': data-parallel training takes 1 to {MaxReplicas} replicas.");
        }

        Weights.Validate();
        Gradients.Validate();
    }
}
