using System;
using System.Collections.Generic;

namespace Sdk.Runtime.Backends;

/// <summary>
/// What a chip trains with: the network's parameters (updated in place by the optimiser on the host) and one
/// gradient array per trainable tensor, which the chip's backward pass writes.
/// </summary>
internal sealed record TrainingState(ParameterSet Parameters, IReadOnlyDictionary<string, float[]> Gradients);

/// <summary>
/// One chip's share of one model's training on one backend: forward with training semantics (batch statistics,
/// dropout masks, nothing folded), backward, and both directions of the chip's cut endpoints. After
/// <see cref="Backward"/> has run for every layer of the chip, the chip's parameter gradients are in the arrays of
/// its <see cref="TrainingState"/>.
/// </summary>
internal abstract class TrainingExecutor : ICutEndpoint, IDisposable
{
    protected TrainingExecutor(NetworkPlan plan, int chip)
    {
        Plan = plan;
        Chip = chip;
    }

    public NetworkPlan Plan { get; }

    public int Chip { get; }

    public int Batch { get; protected set; }

    /// <summary>True when a layer of this chip reads the network input.</summary>
    public abstract bool ReadsInput { get; }

    /// <summary>
    /// Allocates (once per batch size) what a batch of <paramref name="batch"/> needs. The trainer calls it at the start
    /// of every pass, so a backend that keeps the parameters elsewhere (a remote chip) sends this step's here.
    /// </summary>
    public abstract void Prepare(int batch);

    public abstract void WriteInput(ReadOnlySpan<float> input);

    /// <summary>Runs plan layer <paramref name="layer"/> forward in training mode; dropout masks come from (seed, step, layer).</summary>
    public abstract void Forward(int layer, int seed, long step);

    /// <summary>
    /// The loss's input (batch x classes): layer <paramref name="layer"/>'s output, or its input
    /// <paramref name="input"/> when <paramref name="input"/> &gt;= 0 (a final softmax the loss absorbs).
    /// </summary>
    public abstract ReadOnlySpan<float> ReadLogits(int layer, int input);

    /// <summary>Starts a backward pass: marks every gradient as not yet written.</summary>
    public abstract void BeginBackward();

    /// <summary>Sets the gradient of the loss's input (as in <see cref="ReadLogits"/>).</summary>
    public abstract void WriteLogitsGradient(int layer, int input, ReadOnlySpan<float> gradient);

    /// <summary>Runs plan layer <paramref name="layer"/> backward: parameter gradients and its inputs' gradients.</summary>
    public abstract void Backward(int layer);

    /// <inheritdoc/>
    public abstract int Pack(int cut, CutDirection direction, Span<byte> wire);

    /// <inheritdoc/>
    public abstract void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire);

    /// <summary>
    /// The pass is over (after the backward pass when <paramref name="backward"/>, else after the forward): the
    /// parameter gradients and BatchNorm running statistics must now be in the <see cref="TrainingState"/>'s arrays.
    /// Nothing to do for a backend that writes them there in place.
    /// </summary>
    public virtual void EndPass(bool backward)
    {
    }

    /// <summary>Releases what the chip holds for this trainer (a remote chip's session). Nothing by default.</summary>
    public virtual void Dispose()
    {
    }
}
