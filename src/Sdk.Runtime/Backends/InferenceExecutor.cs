using System;

namespace Sdk.Runtime.Backends;

/// <summary>
/// One chip's share of one model's inference on one backend: it owns the chip's parameters and buffers and runs
/// the chip's layers and cut endpoints when the model says so. Every backend implements the same plan.
/// </summary>
internal abstract class InferenceExecutor : ICutEndpoint, IDisposable
{
    protected InferenceExecutor(NetworkPlan plan, int chip)
    {
        Plan = plan;
        Chip = chip;
    }

    public NetworkPlan Plan { get; }

    public int Chip { get; }

    /// <summary>Current batch size; <see cref="Prepare"/> allocates (once per batch size) what it needs.</summary>
    public int Batch { get; private set; }

    /// <summary>Uploads the parameters (inference form: BatchNorm folded where the plan says so).</summary>
    public abstract void LoadParameters(ParameterSet parameters);

    public void Prepare(int batch)
    {
        if (batch != Batch)
        {
            OnPrepare(batch);
            Batch = batch;
        }
    }

    protected abstract void OnPrepare(int batch);

    /// <summary>Writes the network input (batch x input shape) to this chip.</summary>
    public abstract void WriteInput(ReadOnlySpan<float> input);

    /// <summary>Runs plan layer <paramref name="layer"/> (on this chip).</summary>
    public abstract void Compute(int layer);

    /// <inheritdoc/>
    public abstract int Pack(int cut, CutDirection direction, Span<byte> wire);

    /// <inheritdoc/>
    public abstract void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire);

    /// <summary>
    /// Copies the output of plan layer <paramref name="layer"/> (batch x its shape) to the host. A backend that never
    /// writes that layer's output on its own (the CPU backend's convolution fused with its max pool) throws an
    /// <see cref="InvalidOperationException"/> naming the layer to read instead.
    /// </summary>
    public abstract void ReadOutput(int layer, Span<float> output);

    /// <summary>Waits until every launched kernel of this chip has finished.</summary>
    public abstract void Synchronize();

    /// <summary>Called on a pipeline worker thread before it drives this chip (a CUDA context is current per thread). Nothing by default.</summary>
    public virtual void BindToCurrentThread()
    {
    }

    public abstract void Dispose();

    /// <summary>Inference moves tensors forward only.</summary>
    protected static void RequireForward(CutDirection direction, int cut)
    {
        if (direction != CutDirection.Forward)
        {
            throw new InvalidOperationException($"Cut {cut}: inference sends no gradients.");
        }
    }
}
