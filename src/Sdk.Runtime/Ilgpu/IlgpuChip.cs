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

    public override string Name => Accelerator.AcceleratorType == AcceleratorType.CPU
        ? "ILGPU CPU simulator"
        : $"ILGPU {Accelerator.AcceleratorType}: {Accelerator.Name}";

    /// <summary>The ILGPU CPU accelerator: simulates GPU threads; slow, but runs anywhere and checks GPU kernels.</summary>
    public static IlgpuChip Cpu()
    {
        var context = CreateContext();
        return new IlgpuChip(context, context.CreateCPUAccelerator(0), ownsContext: true);
    }

    /// <summary>How many GPUs (CUDA, then OpenCL devices) this machine has.</summary>
    public static int GpuCount
    {
        get
        {
            using var context = CreateContext();
            return GpuDevices(context).Count;
        }
    }

    /// <summary>A chip on GPU <paramref name="index"/> (CUDA devices first, then OpenCL). Several chips may share one GPU.</summary>
    public static IlgpuChip Gpu(int index = 0)
    {
        var context = CreateContext();
        var devices = GpuDevices(context);
        if (index < 0 || index >= devices.Count)
        {
            context.Dispose();
            throw new ArgumentOutOfRangeException(nameof(index), index, $"This machine has {devices.Count} GPUs usable by ILGPU (CUDA or OpenCL).");
        }

        return new IlgpuChip(context, devices[index].CreateAccelerator(context), ownsContext: true);
    }

    private static List<Device> GpuDevices(Context context)
    {
        var devices = new List<Device>();
        foreach (var type in new[] { AcceleratorType.Cuda, AcceleratorType.OpenCL })
        {
            foreach (var device in context.Devices)
            {
                if (device.AcceleratorType == type)
                {
                    devices.Add(device);
                }
            }
        }

        return devices;
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
