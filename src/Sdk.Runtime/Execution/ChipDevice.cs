using System;

namespace Sdk.Runtime;

/// <summary>
/// A chip: one execution backend (an ILGPU accelerator, or the vectorised CPU backend). A chip set holds one
/// per chip; a model asks each for an executor of its share of the plan.
/// </summary>
public abstract class ChipDevice : IDisposable
{
    private bool _disposed;

    /// <summary>What runs the chip, e.g. "ILGPU CPU" or "ILGPU Cuda: NVIDIA H100".</summary>
    public abstract string Name { get; }

    public bool IsDisposed => _disposed;

    /// <summary>An executor for chip <paramref name="chip"/> of <paramref name="plan"/>.</summary>
    internal abstract ChipExecutor CreateExecutor(NetworkPlan plan, int chip, Func<int, Ilgpu.IlgpuChipProgram> programs);

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
