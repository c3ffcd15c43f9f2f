using System;

namespace Sdk.Runtime.Backends;

/// <summary>
/// A chip: one device of one backend (the vectorised CPU backend, an ILGPU accelerator, ...). This is the whole
/// boundary between the runtime and a backend: a model asks each chip for an <see cref="InferenceExecutor"/> of its
/// share of the plan, a trainer for a <see cref="TrainingExecutor"/>, and both move cut tensors through the
/// executors' pack and unpack. Nothing here names a backend's own types.
/// </summary>
public abstract class ChipDevice : IDisposable
{
    private bool _disposed;

    /// <summary>What runs the chip, e.g. "CPU (vectorised)" or "ILGPU Cuda: NVIDIA H100".</summary>
    public abstract string Name { get; }

    /// <summary>The backend's name, the key of its generated programs (<see cref="ChipPrograms"/>).</summary>
    public abstract string Backend { get; }

    public bool IsDisposed => _disposed;

    /// <summary>An executor for chip <paramref name="chip"/> of <paramref name="plan"/>'s inference.</summary>
    /// <exception cref="NotSupportedException">The backend cannot run this plan (the message says why and what can).</exception>
    internal abstract InferenceExecutor CreateInference(NetworkPlan plan, int chip, ChipPrograms programs);

    /// <summary>
    /// An executor for chip <paramref name="chip"/> of <paramref name="plan"/>'s training, reading and updating the
    /// parameters and gradients of <paramref name="state"/>. A backend without backward kernels declines.
    /// </summary>
    /// <exception cref="NotSupportedException">The backend cannot train.</exception>
    internal virtual TrainingExecutor CreateTraining(NetworkPlan plan, int chip, TrainingState state) =>
        throw new NotSupportedException(
            $"Network '{plan.Name}': chip {chip} is '{Name}', and the {Backend} backend cannot train (it has no backward kernels); train on CPU chips (ChipSet.Cpu).");

    internal void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(Name, $"The chip '{Name}' has been disposed (its chip set was disposed).");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            OnDispose();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract void OnDispose();

    public override string ToString() => Name;
}
