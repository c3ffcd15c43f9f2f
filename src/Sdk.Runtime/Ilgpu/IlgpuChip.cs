using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Sdk.Runtime.Ilgpu;

/// <summary>A chip backed by one ILGPU accelerator: the CPU simulator (everywhere), CUDA or OpenCL (where present).</summary>
public sealed class IlgpuChip : ChipDevice
{
    private readonly Context _context;
    private readonly bool _ownsContext;

    private IlgpuChip(Context context, Accelerator accelerator, bool ownsContext)
    {
        _context = context;
        _ownsContext = ownsContext;
        Accelerator = accelerator;
    }

    public Accelerator Accelerator { get; }

    public override string Name => $"ILGPU {Accelerator.AcceleratorType}: {Accelerator.Name}";

    /// <summary>The ILGPU CPU accelerator: simulates GPU threads; slow, but runs anywhere and checks GPU kernels.</summary>
    public static IlgpuChip Cpu()
    {
        var context = CreateContext();
        return new IlgpuChip(context, context.CreateCPUAccelerator(0), ownsContext: true);
    }

    /// <summary>One chip per CUDA device, then per OpenCL device; empty when there is none.</summary>
    public static IReadOnlyList<IlgpuChip> Gpus()
    {
        var chips = new List<IlgpuChip>();
        var context = CreateContext();
        foreach (var type in new[] { AcceleratorType.Cuda, AcceleratorType.OpenCL })
        {
            foreach (var device in context.GetDevices<Device>())
            {
                if (device.AcceleratorType == type)
                {
                    chips.Add(new IlgpuChip(context, device.CreateAccelerator(context), ownsContext: chips.Count == 0));
                }
            }
        }

        if (chips.Count == 0)
        {
            context.Dispose();
        }

        return chips;
    }

    internal override ChipExecutor CreateExecutor(NetworkPlan plan, int chip, Func<int, IlgpuChipProgram> programs)
    {
        ThrowIfDisposed();
        return new IlgpuChipExecutor(this, plan, chip, programs(chip));
    }

    protected override void OnDispose()
    {
        Accelerator.Dispose();
        if (_ownsContext)
        {
            _context.Dispose();
        }
    }

    // Algorithms maps System.Math and XMath onto GPU intrinsics; the CPU simulator runs them as they are.
    private static Context CreateContext() => Context.Create(builder => builder.Default().EnableAlgorithms());
}
