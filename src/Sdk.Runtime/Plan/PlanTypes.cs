using System;
using System.Collections.Generic;

namespace Sdk.Runtime;

/// <summary>A parameter tensor of a layer, named like a PyTorch state dict (<c>Conv1.weight</c>).</summary>
public sealed class ParameterInfo
{
    public required string Name { get; init; }
    public required int[] Shape { get; init; }

    /// <summary>False for buffers such as BatchNorm running statistics.</summary>
    public required bool Trainable { get; init; }

    public long Elements => TensorShape.Elements(Shape);

    public override string ToString() => $"{Name} {TensorShape.Format(Shape)}";
}

/// <summary>One layer of the compiled plan, in execution order, with its hyper-parameters and counts for one sample.</summary>
public sealed class LayerInfo
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required LayerKind Kind { get; init; }
    public required int Chip { get; init; }

    /// <summary>Indices of the layers read, in order; -1 is the network input.</summary>
    public required int[] Inputs { get; init; }

    /// <summary>Per-sample output shape: <c>[C, H, W]</c> or <c>[N]</c>.</summary>
    public required int[] OutputShape { get; init; }

    public required ParameterInfo[] Parameters { get; init; }
    public required long Macs { get; init; }
    public required long Flops { get; init; }

    /// <summary>False for layers the compiler inserted (bottleneck encoders and decoders).</summary>
    public required bool Declared { get; init; }

    /// <summary>
    /// For a BatchNorm that inference folds into the convolution before it (same chip, no activation, no other
    /// reader): that convolution's index. The convolution then applies this layer's activation. Else -1.
    /// </summary>
    public int FoldedInto { get; init; } = -1;

    /// <summary>Filters (Conv2D), units (Dense), window (pooling), narrowed or restored channels (bottleneck).</summary>
    public int Size { get; init; }
    public int Kernel { get; init; }
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    public int Dilation { get; init; } = 1;
    public int Groups { get; init; } = 1;
    public bool Bias { get; init; }
    public Activation Activation { get; init; }
    public double Epsilon { get; init; }
    public double Momentum { get; init; }
    public double Rate { get; init; }

    public long ParameterCount
    {
        get
        {
            long n = 0;
            foreach (var p in Parameters)
            {
                n += p.Trainable ? p.Elements : 0;
            }

            return n;
        }
    }

    public override string ToString() => $"{Name} ({Kind}, chip {Chip}, output {TensorShape.Format(OutputShape)})";
}

/// <summary>
/// A tensor sent from one chip to another: the output of <see cref="SourceLayer"/> (a bottleneck encoder when
/// <see cref="BottleneckRatio"/> &gt; 1), sent once for all its readers on <see cref="ToChip"/>.
/// </summary>
public sealed class CutInfo
{
    public required int Index { get; init; }

    /// <summary>Plan index of the layer whose output crosses.</summary>
    public required int SourceLayer { get; init; }

    /// <summary>The declared layer whose output crosses (before any bottleneck encoder).</summary>
    public required string From { get; init; }

    /// <summary>The declared layers on the receiving chip that read it.</summary>
    public required string[] To { get; init; }

    public required int FromChip { get; init; }
    public required int ToChip { get; init; }

    /// <summary>Per-sample shape of the tensor on the wire.</summary>
    public required int[] Shape { get; init; }

    public required WireFormat Format { get; init; }
    public required int BottleneckRatio { get; init; }
    public required long ForwardBytesPerSample { get; init; }

    /// <summary>The gradient of the cut tensor, sent back in training (same shape and format).</summary>
    public required long BackwardBytesPerSample { get; init; }

    /// <summary>Modelled time of one sample on the declared link (latency + bytes / bandwidth); null without a link.</summary>
    public double? ModelledSecondsPerSample { get; init; }

    public override string ToString() => $"cut {Index}: {From} -> {string.Join(", ", To)} (chip {FromChip} -> {ToChip}, {TensorShape.Format(Shape)} {Format}, {ForwardBytesPerSample} B/sample)";
}

/// <summary>A chip of the plan with its totals for one sample.</summary>
public sealed class ChipInfo
{
    public required int Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Declared speed; 0 = unknown.</summary>
    public required double Gflops { get; init; }

    /// <summary>Declared memory; 0 = unlimited.</summary>
    public required long MemoryBytes { get; init; }

    public required int LayerCount { get; init; }
    public required long Flops { get; init; }
    public required long Parameters { get; init; }

    /// <summary>Parameters and buffers as float32.</summary>
    public required long ParameterBytes { get; init; }

    /// <summary>Largest set of float32 activations alive at once on this chip for one sample.</summary>
    public required long PeakActivationBytes { get; init; }

    public bool Fits => MemoryBytes == 0 || ParameterBytes + PeakActivationBytes <= MemoryBytes;
}

/// <summary>A declared link between two chips (both directions).</summary>
public sealed class LinkInfo
{
    public required int ChipA { get; init; }
    public required int ChipB { get; init; }
    public required double GigabytesPerSecond { get; init; }
    public required double LatencyMicroseconds { get; init; }

    /// <summary>Most bytes per sample one cut may carry; 0 = no budget.</summary>
    public required long BudgetBytesPerSample { get; init; }

    public bool Connects(int a, int b) => (ChipA == a && ChipB == b) || (ChipA == b && ChipB == a);

    /// <summary>Modelled time of one transfer of <paramref name="bytes"/> bytes: latency + bytes / bandwidth.</summary>
    public TimeSpan ModelledTime(long bytes) => TimeSpan.FromSeconds((LatencyMicroseconds * 1e-6) + (bytes / (GigabytesPerSecond * 1e9)));
}

/// <summary>The compiled plan of a network, emitted by the generator as constants.</summary>
public sealed class NetworkPlan
{
    public required string Name { get; init; }
    public required int[] InputShape { get; init; }
    public required IReadOnlyList<ChipInfo> Chips { get; init; }
    public required IReadOnlyList<LinkInfo> Links { get; init; }
    public required IReadOnlyList<LayerInfo> Layers { get; init; }
    public required IReadOnlyList<CutInfo> Cuts { get; init; }

    /// <summary>The compile-time traffic report as Markdown (the same figures as the build's SDK0024 diagnostics).</summary>
    public required string TrafficMarkdown { get; init; }

    /// <summary>The compile-time traffic report as JSON.</summary>
    public required string TrafficJson { get; init; }

    public long ForwardBytesPerSample
    {
        get
        {
            long total = 0;
            foreach (var cut in Cuts)
            {
                total += cut.ForwardBytesPerSample;
            }

            return total;
        }
    }

    public long BackwardBytesPerSample
    {
        get
        {
            long total = 0;
            foreach (var cut in Cuts)
            {
                total += cut.BackwardBytesPerSample;
            }

            return total;
        }
    }

    public LayerInfo Layer(string name)
    {
        foreach (var layer in Layers)
        {
            if (layer.Name == name)
            {
                return layer;
            }
        }

        throw new KeyNotFoundException($"Network '{Name}' has no layer '{name}'.");
    }

    public override string ToString() => $"{Name}: {Layers.Count} layers on {Chips.Count} chips, {Cuts.Count} cuts";
}

/// <summary>Implemented by every generated network class: the plan and the kernels, without reflection.</summary>
public interface INetwork
{
    /// <summary>The compiled plan (the same for every instance).</summary>
    static abstract NetworkPlan Plan { get; }

    /// <summary>This instance's parameters.</summary>
    ParameterSet Parameters { get; }

    /// <summary>The generated ILGPU program of each chip (index = chip), shapes baked in.</summary>
    static abstract Ilgpu.IlgpuChipProgram[] CreateIlgpuPrograms();
}
