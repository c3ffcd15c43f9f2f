using System;

namespace Sdk.Runtime.Backends.Cpu;

/// <summary>
/// A chip on the vectorised CPU backend: the plan's layers run as cache-blocked, packed GEMMs and vectorised
/// element-wise kernels split over the cores (<see cref="CpuWorkerPool"/>). Plans its kernels from the plan at
/// run time, so it runs any plan (declared, a variant, imported), and it trains. The default chip of
/// <c>ChipSet.Cpu</c>.
/// </summary>
public sealed class CpuChip : ChipDevice
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "cpu";

    public override string Name => "CPU (vectorised)";

    /// <summary>
    /// The GEMM blocking this machine's CPU chips run (the widest micro-kernel it accelerates), for the convolutions'
    /// traffic against their lower bound on this machine: <c>ConvBounds.Of(plan, CpuChip.GemmTarget)</c>.
    /// </summary>
    public static CpuGemmTarget GemmTarget => GemmEngine.Target(GemmKernel.Auto);

    public override string Backend => BackendName;

    internal override InferenceExecutor CreateInference(NetworkPlan plan, int chip, ChipPrograms programs)
    {
        ThrowIfDisposed();
        return new CpuInferenceExecutor(plan, chip);
    }

    internal override TrainingExecutor CreateTraining(NetworkPlan plan, int chip, TrainingState state)
    {
        ThrowIfDisposed();
        return new CpuTrainingExecutor(plan, chip, state);
    }

    protected override void OnDispose()
    {
    }
}
