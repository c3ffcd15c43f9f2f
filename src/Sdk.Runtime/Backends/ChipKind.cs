using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Backends.Ilgpu;

namespace Sdk.Runtime.Backends;

/// <summary>
/// A kind of chip the runtime can run on: how many this machine has, and how to make one. <see cref="ChipSet"/>
/// finds chips through <see cref="All"/>, so a new backend is one more entry here, not a change to the chip set.
/// </summary>
/// <param name="Name">The kind's name, for <see cref="ChipSet.Create(string, int)"/> and messages.</param>
/// <param name="IsGpu">True for kinds <see cref="ChipSet.Auto"/> prefers.</param>
/// <param name="Available">How many devices of this kind the machine has (<see cref="int.MaxValue"/>: as many chips as asked).</param>
/// <param name="Create">Makes a chip on device <c>i</c> (0 to <see cref="Available"/> - 1).</param>
public sealed record ChipKind(string Name, string Description, bool IsGpu, Func<int> Available, Func<int, ChipDevice> Create)
{
    /// <summary>The vectorised CPU backend: runs every plan, trains; the embedded default.</summary>
    public static ChipKind Cpu { get; } = new("cpu", "vectorised CPU kernels on this machine's cores", false, () => int.MaxValue, _ => new CpuChip());

    /// <summary>ILGPU's CPU accelerator: simulated GPU threads, slow, for checking the generated kernels anywhere.</summary>
    public static ChipKind IlgpuCpu { get; } = new("ilgpu-cpu", "ILGPU's CPU accelerator (simulated GPU threads)", false, () => int.MaxValue, _ => IlgpuChip.Cpu());

    /// <summary>CUDA devices through ILGPU.</summary>
    public static ChipKind Cuda { get; } = new("cuda", "NVIDIA GPUs through ILGPU's CUDA accelerator", true, () => IlgpuChip.DeviceCount(ILGPU.Runtime.AcceleratorType.Cuda), i => IlgpuChip.Gpu(ILGPU.Runtime.AcceleratorType.Cuda, i));

    /// <summary>OpenCL devices through ILGPU.</summary>
    public static ChipKind OpenCl { get; } = new("opencl", "OpenCL devices through ILGPU", true, () => IlgpuChip.DeviceCount(ILGPU.Runtime.AcceleratorType.OpenCL), i => IlgpuChip.Gpu(ILGPU.Runtime.AcceleratorType.OpenCL, i));

    /// <summary>Every kind, GPUs first in the order <see cref="ChipSet.Auto"/> prefers them.</summary>
    public static IReadOnlyList<ChipKind> All { get; } = new[] { Cuda, OpenCl, Cpu, IlgpuCpu };

    /// <summary>The kind named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No kind has that name (the message lists them).</exception>
    public static ChipKind Find(string name)
    {
        foreach (var kind in All)
        {
            if (string.Equals(kind.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        throw new ArgumentException($"No chip kind is named '{name}'; the kinds are {string.Join(", ", All.Select(k => k.Name))}.", nameof(name));
    }

    public override string ToString() => Name;
}
