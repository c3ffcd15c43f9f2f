using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// The device memory of one chip for one model and one batch size: the input (on the input chip), one
/// output per layer (a folded BatchNorm shares its convolution's), a float tensor per received cut and a
/// wire buffer per cut sent or received. Allocated once and reused by every run of that batch size.
/// </summary>
public sealed class IlgpuBuffers : IDisposable
{
    private readonly NetworkPlan _plan;
    private readonly int _chip;
    private readonly IReadOnlyList<MemoryBuffer1D<float, Stride1D.Dense>[]> _parameters;
    private readonly Dictionary<int, MemoryBuffer1D<float, Stride1D.Dense>> _outputs = new();
    private readonly Dictionary<int, MemoryBuffer1D<float, Stride1D.Dense>> _received = new();
    private readonly Dictionary<int, MemoryBuffer1D<byte, Stride1D.Dense>> _wires = new();
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _input;

    internal IlgpuBuffers(Accelerator accelerator, NetworkPlan plan, int chip, int batch, IReadOnlyList<MemoryBuffer1D<float, Stride1D.Dense>[]> parameters)
    {
        _plan = plan;
        _chip = chip;
        _parameters = parameters;
        Batch = batch;
        Stream = accelerator.DefaultStream;

        // The CPU simulator pays per simulated thread, so a few per core; a GPU wants many resident threads.
        MaxThreads = accelerator.AcceleratorType == AcceleratorType.CPU
            ? accelerator.MaxNumThreadsPerGroup * Environment.ProcessorCount * 4
            : accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor * 4;
        TiledSide = TiledOps.GroupSide(accelerator);
        foreach (var layer in plan.Layers)
        {
            if (layer.Chip != chip)
            {
                continue;
            }

            if (layer.FoldedInto < 0)
            {
                _outputs[layer.Index] = accelerator.Allocate1D<float>(batch * Shapes.Elements(layer.OutputShape));
            }
        }

        if (chip == plan.InputChip)
        {
            _input = accelerator.Allocate1D<float>(batch * Shapes.Elements(plan.InputShape));
        }

        foreach (var cut in plan.Cuts)
        {
            if (cut.ToChip == chip)
            {
                _received[cut.Index] = accelerator.Allocate1D<float>(batch * Shapes.Elements(cut.Shape));
            }

            if (cut.ToChip == chip || cut.FromChip == chip)
            {
                // The format's layout as the host codec writes it: the generated kernels write the same bytes.
                _wires[cut.Index] = accelerator.Allocate1D<byte>(WireCodec.Of(cut.Encoding).Bytes(batch, Shapes.Elements(cut.Shape)));
            }
        }
    }

    public AcceleratorStream Stream { get; }

    public int Batch { get; }

    /// <summary>The most threads one launch uses; kernels loop over the rest (grid-stride).</summary>
    public int MaxThreads { get; }

    /// <summary>The group side of the tiled GEMM kernels on this accelerator (<see cref="TiledOps.GroupSide"/>).</summary>
    public int TiledSide { get; }

    /// <summary>Threads for a launch over <paramref name="perSample"/> x batch elements.</summary>
    public int Threads(int perSample) => Math.Min(Batch * perSample, MaxThreads);

    /// <summary>The network input as it arrives (on the plan's input chip only; the others receive it over a cut).</summary>
    public ArrayView<float> NetworkInput => _input?.View ?? throw new InvalidOperationException($"Chip {_chip} is not where the network input arrives (chip {_plan.InputChip}).");

    /// <summary>The k-th input of plan layer <paramref name="layer"/>: the network input, a local output, or a received cut.</summary>
    public ArrayView<float> Input(int layer, int k)
    {
        var source = _plan.Layers[layer].Inputs[k];
        if (source < 0 && _chip == _plan.InputChip)
        {
            return NetworkInput;
        }

        if (source >= 0 && _plan.Layers[source].Chip == _chip)
        {
            return Output(source);
        }

        foreach (var cut in _plan.Cuts)
        {
            if (cut.SourceLayer == source && cut.ToChip == _chip)
            {
                return _received[cut.Index].View;
            }
        }

        throw new InvalidOperationException($"Layer '{_plan.Layers[layer].Name}' reads '{(source < 0 ? "the network input" : _plan.Layers[source].Name)}' from another chip, but no cut brings it to chip {_chip}.");
    }

    public ArrayView<float> Output(int layer)
    {
        var info = _plan.Layers[layer];
        return _outputs[info.FoldedInto >= 0 ? info.FoldedInto : layer].View;
    }

    /// <summary>The p-th inference parameter of a layer (for BatchNorm: scale, shift; for a convolution with a folded BatchNorm: the folded weight and bias).</summary>
    public ArrayView<float> Parameter(int layer, int p) => _parameters[layer][p].View;

    public ArrayView<float> Received(int cut) => _received[cut].View;

    public ArrayView<byte> Wire(int cut) => _wires[cut].View;

    public ArrayView<float> WireAsFloat(int cut) => Wire(cut).Cast<float>();

    public ArrayView<ushort> WireAsHalf(int cut) => Wire(cut).Cast<ushort>();

    /// <summary>Int8 wire layout: one float32 scale per sample first, then the quantised elements.</summary>
    public ArrayView<float> WireScales(int cut) => Wire(cut).SubView(0, 4L * Batch).Cast<float>();

    public ArrayView<sbyte> WireAsInt8(int cut) => Wire(cut).SubView(4L * Batch, Wire(cut).Length - (4L * Batch)).Cast<sbyte>();

    public void Dispose()
    {
        _input?.Dispose();
        foreach (var buffer in _outputs.Values)
        {
            buffer.Dispose();
        }

        foreach (var buffer in _received.Values)
        {
            buffer.Dispose();
        }

        foreach (var buffer in _wires.Values)
        {
            buffer.Dispose();
        }
    }
}
