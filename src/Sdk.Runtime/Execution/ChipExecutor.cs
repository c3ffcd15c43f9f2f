using System;

namespace Sdk.Runtime;

/// <summary>
/// One chip's share of one model on one backend: it owns the chip's parameters and buffers and runs the
/// chip's layers and cut endpoints when the executor says so. Every backend implements the same plan.
/// </summary>
public abstract class ChipExecutor : IDisposable
{
    protected ChipExecutor(NetworkPlan plan, int chip)
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

    /// <summary>Packs cut <paramref name="cut"/> and copies its wire bytes to <paramref name="wire"/> (this chip sends it).</summary>
    public abstract void Send(int cut, Span<byte> wire);

    /// <summary>Copies the wire bytes of cut <paramref name="cut"/> to this chip and unpacks them.</summary>
    public abstract void Receive(int cut, ReadOnlySpan<byte> wire);

    /// <summary>Copies the output of plan layer <paramref name="layer"/> (batch x its shape) to the host.</summary>
    public abstract void ReadOutput(int layer, Span<float> output);

    /// <summary>Waits until every launched kernel of this chip has finished.</summary>
    public abstract void Synchronize();

    /// <summary>
    /// Called on a pipeline worker thread before it drives this chip (a CUDA context is current per thread).
    /// Nothing by default.
    /// </summary>
    internal virtual void BindToCurrentThread()
    {
    }

    public abstract void Dispose();
}
