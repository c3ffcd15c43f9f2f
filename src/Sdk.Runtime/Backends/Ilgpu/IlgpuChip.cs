using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// A chip backed by one ILGPU accelerator: the CPU simulator (everywhere), CUDA or OpenCL (where present). It runs
/// the kernels the source generator compiled for a declared network (<see cref="IlgpuChipProgram"/>), so plans made
/// at run time and training are declined with a named error.
/// </summary>
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

    /// <summary>How many devices of <paramref name="type"/> (CUDA or OpenCL) this machine has.</summary>
    public static int DeviceCount(AcceleratorType type)
    {
        using var context = CreateContext();
        return Devices(context, type).Count;
    }

    /// <summary>A chip on device <paramref name="index"/> of <paramref name="type"/>. Several chips may share one GPU.</summary>
    public static IlgpuChip Gpu(AcceleratorType type, int index = 0)
    {
        var context = CreateContext();
        var devices = Devices(context, type);
        if (index < 0 || index >= devices.Count)
        {
            context.Dispose();
            throw new ArgumentOutOfRangeException(nameof(index), index, $"This machine has {devices.Count} {type} devices usable by ILGPU.");
        }

        return new IlgpuChip(context, devices[index].CreateAccelerator(context), ownsContext: true);
    }

    private static List<Device> Devices(Context context, AcceleratorType type)
    {
        var devices = new List<Device>();
        foreach (var device in context.Devices)
        {
            if (device.AcceleratorType == type)
            {
                devices.Add(device);
            }
        }

        return devices;
    }

    public override string Backend => IlgpuChipProgram.Backend;

    internal override InferenceExecutor CreateInference(NetworkPlan plan, int chip, ChipPrograms programs)
    {
        ThrowIfDisposed();
        var program = programs.For<IlgpuChipProgram>(Backend, chip) ?? throw new NotSupportedException(
            $"Network '{plan.Name}': chip {chip} is '{Name}', which runs the kernels the source generator compiles for a declared [Network] class; " +
            "this plan has none (it was made at run time). Run it on CPU chips (ChipSet.Cpu).");
        return new IlgpuInferenceExecutor(this, plan, chip, program);
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
