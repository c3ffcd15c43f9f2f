using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;

namespace Sdk.Runtime.Ilgpu;

/// <summary>Runs one chip's generated ILGPU program: parameters uploaded once, buffers once per batch size.</summary>
internal sealed class IlgpuChipExecutor : ChipExecutor
{
    private readonly IlgpuChip _device;
    private readonly IlgpuChipProgram _program;
    private readonly Dictionary<int, IlgpuBuffers> _buffersByBatch = new();
    private readonly List<MemoryBuffer1D<float, Stride1D.Dense>[]> _parameters = new();
    private IlgpuBuffers? _buffers;

    public IlgpuChipExecutor(IlgpuChip device, NetworkPlan plan, int chip, IlgpuChipProgram program)
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

    public override void Send(int cut, Span<byte> wire)
    {
        _program.Pack(cut, Buffers);
        Buffers.Wire(cut).CopyToCPU(wire);
    }

    public override void Receive(int cut, ReadOnlySpan<byte> wire)
    {
        Buffers.Wire(cut).CopyFromCPU(wire);
        _program.Unpack(cut, Buffers);
    }

    public override void ReadOutput(int layer, Span<float> output)
    {
        Accelerator.Synchronize();
        Buffers.Output(layer).CopyToCPU(output);
    }

    public override void Synchronize() => Accelerator.Synchronize();

    internal override void BindToCurrentThread() => Accelerator.Bind();

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
