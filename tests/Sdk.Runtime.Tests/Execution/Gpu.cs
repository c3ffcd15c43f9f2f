using System;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>Whether this machine has a GPU ILGPU can use; GPU tests skip cleanly without one.</summary>
internal static class Gpu
{
    private static readonly Lazy<bool> HasGpu = new(() => ChipKind.Cuda.Available() + ChipKind.OpenCl.Available() > 0);

    public static bool Available => HasGpu.Value;

    public const string SkipReason = "no CUDA or OpenCL device on this machine";

    /// <summary><paramref name="count"/> chips, all on the first GPU (a model's chips may share a device).</summary>
    public static ChipSet Chips(int count) =>
        ChipSet.Create(ChipKind.Cuda.Available() > 0 ? ChipKind.Cuda : ChipKind.OpenCl, count);
}

public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (!Gpu.Available)
        {
            Skip = Gpu.SkipReason;
        }
    }
}

public sealed class GpuTheoryAttribute : TheoryAttribute
{
    public GpuTheoryAttribute()
    {
        if (!Gpu.Available)
        {
            Skip = Gpu.SkipReason;
        }
    }
}
