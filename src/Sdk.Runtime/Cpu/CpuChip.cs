using System;
using Sdk.Runtime.Ilgpu;

namespace Sdk.Runtime.Cpu;

/// <summary>
/// A chip on the vectorised CPU backend: the plan's layers run as cache-blocked, packed GEMMs and vectorised
/// element-wise kernels split over the cores (<see cref="CpuWorkerPool"/>). The default chip of <c>ChipSet.Cpu</c>.
/// </summary>
public sealed class CpuChip : ChipDevice
{
    public override string Name => "CPU (vectorised)";

    internal override ChipExecutor CreateExecutor(NetworkPlan plan, int chip, Func<int, IlgpuChipProgram> programs)
    {
        ThrowIfDisposed();
        return new CpuChipExecutor(plan, chip);
    }

    protected override void OnDispose()
    {
    }
}
