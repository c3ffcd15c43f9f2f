using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>Runs one chip's generated ILGPU program: parameters uploaded once, buffers once per batch size.</summary>
internal sealed class IlgpuInferenceExecutor : InferenceExecutor
{
    private readonly IlgpuChip _device;
    private readonly IlgpuChipProgram _program;
    private readonly Dictionary<int, IlgpuBuffers> _buffersByBatch = new();
    private readonly List<MemoryBuffer1D<float, Stride1D.Dense>[]> _parameters = new();
    private IlgpuBuffers? _buffers;

    public IlgpuInferenceExecutor(IlgpuChip device, NetworkPlan plan, int chip, IlgpuChipProgram program)
        : base(plan, chip)
    {
        if (program.Chip != chip)
        {
            throw new ArgumentException($"The program for chip {program.Chip} was given to chip {chip}.", nameof(program));
        }

        _device = device;
        _program = program;
        _program.Load(device.Accelerator);
    }

    private Accelerator Accelerator => _device.Accelerator;

    private IlgpuBuffers Buffers => _buffers ?? throw new InvalidOperationException("Prepare(batch) was not called.");

    public override void LoadParameters(ParameterSet parameters)
    {
        var prepared = InferenceParameters.Prepare(Plan, parameters);
        ReleaseParameters();
        foreach (var layer in Plan.Layers)
        {
            var tensors = layer.Chip == Chip ? prepared[layer.Index] : Array.Empty<float[]>();
            var buffers = new MemoryBuffer1D<float, Stride1D.Dense>[tensors.Length];
            for (var p = 0; p < tensors.Length; p++)
            {
                buffers[p] = Accelerator.Allocate1D(tensors[p]);
            }

            _parameters.Add(buffers);
        }
    }

    protected override void OnPrepare(int batch)
    {
        if (!_buffersByBatch.TryGetValue(batch, out var buffers))
        {
            buffers = new IlgpuBuffers(Accelerator, Plan, Chip, batch, _parameters);
            _buffersByBatch[batch] = buffers;
        }

        _buffers = buffers;
    }

    public override void WriteInput(ReadOnlySpan<float> input) => Buffers.NetworkInput.CopyFromCPU(input);

    public override void Compute(int layer) => _program.Compute(layer, Buffers);

    /// <summary>Runs the cut's generated pack kernels and copies the wire buffer (the format's layout, as the host codec lays it out) to the host.</summary>
    public override int Pack(int cut, CutDirection direction, WireEncoding encoding, Span<byte> wire)
    {
        RequireForward(direction, cut);
        RequirePlanEncoding(cut, encoding);
        _program.Pack(cut, Buffers);
        var device = Buffers.Wire(cut);
        if (wire.Length < device.Length)
        {
            throw new ArgumentException($"{encoding}: the device wrote {device.Length} bytes, but the wire buffer holds {wire.Length}.", nameof(wire));
        }

        device.CopyToCPU(wire[..(int)device.Length]);
        return (int)device.Length;
    }

    public override void Unpack(int cut, CutDirection direction, WireEncoding encoding, ReadOnlySpan<byte> wire)
    {
        RequireForward(direction, cut);
        RequirePlanEncoding(cut, encoding);
        var device = Buffers.Wire(cut);
        if (wire.Length != device.Length)
        {
            throw new System.IO.InvalidDataException($"{encoding}: the layout of {Batch} samples takes {device.Length} bytes on the wire, but {wire.Length} arrived.");
        }

        device.CopyFromCPU(wire);
        _program.Unpack(cut, Buffers);
    }

    /// <summary>The generated kernels have the plan's encoding of every cut baked in: they pack no other.</summary>
    private void RequirePlanEncoding(int cut, WireEncoding encoding)
    {
        if (encoding != Plan.Cuts[cut].Encoding)
        {
            throw new NotSupportedException($"Cut {cut}: the ILGPU kernels of this chip pack {Plan.Cuts[cut].Encoding}, the plan's encoding; they cannot send {encoding}.");
        }
    }

    public override void ReadOutput(int layer, Span<float> output)
    {
        Accelerator.Synchronize();
        Buffers.Output(layer).CopyToCPU(output);
    }

    public override void Synchronize() => Accelerator.Synchronize();

    public override void BindToCurrentThread() => Accelerator.Bind();

    public override void Dispose()
    {
        foreach (var buffers in _buffersByBatch.Values)
        {
            buffers.Dispose();
        }

        _buffersByBatch.Clear();
        ReleaseParameters();
    }

    private void ReleaseParameters()
    {
        foreach (var buffers in _parameters)
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }

        _parameters.Clear();
    }
}
