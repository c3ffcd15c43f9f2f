using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sdk.Compiler;

/// <summary>
/// The bounds stage: every convolution of a plan against its lower bound (<see cref="ConvBound"/>), with the traffic of
/// the two kernels a chip may run it with: the generated ILGPU kernel (<see cref="GeneratedConvTraffic"/>) and the
/// vectorised CPU backend's tiling (<see cref="CpuConvModel"/>). The report's "Convolutions against the lower bound"
/// table and SDK0046/SDK0047 come from here.
/// </summary>
public static class ConvBounds
{
    /// <summary>The batch the report counts at: weights are read per batch, so bytes per sample depend on it.</summary>
    public const int ReportBatch = 32;

    /// <summary>
    /// SDK0047 fires when the CPU tiling moves more than this many times the bound at the memory it keeps on chip: an
    /// order of magnitude is what retiling recovers. On ResNet-18 the AVX2 tiling stays below it (worst 7.58, the 256-channel 3x3s
    /// on 8x8); the AVX-512 one reaches 8.14 there, which the report, modelling AVX2, does not warn about (docs/lower-bound.md).
    /// </summary>
    public const double RatioThreshold = 8;

    /// <summary>
    /// Every convolution of <paramref name="plan"/> (declared <c>Conv2D</c> layers and the 1x1 bottleneck layers over
    /// feature maps) at <paramref name="batch"/> samples, the CPU figures for <paramref name="target"/> on
    /// <paramref name="threads"/> threads. The build's report uses <see cref="CpuGemmTarget.Vector256"/>, batch 32, one thread.
    /// </summary>
    public static EquatableArray<ConvBoundInfo> Of(NetworkPlan plan, CpuGemmTarget target, int batch = ReportBatch, int threads = 1)
    {
        var result = new List<ConvBoundInfo>();
        foreach (var layer in plan.Layers)
        {
            if (Shape(plan, layer) is not { IsValid: true } shape)
            {
                continue;
            }

            var memory = plan.Chips[layer.Chip].MemoryBytes;
            long? words = memory > 0 ? memory / 4 : null;
            var cpu = CpuConvModel.Choose(shape, target, batch, threads);
            var cpuTraffic = cpu.Tiling.Traffic(shape, batch);
            result.Add(new ConvBoundInfo
            {
                Layer = layer.Index,
                Name = layer.Name,
                Chip = layer.Chip,
                Shape = shape,
                Batch = batch,
                ChipWords = words,
                Bound = words is { } s ? ConvBound.Of(shape, batch, s) : null,
                Tile = words is { } t ? ConvBound.OptimalTile(shape, batch, t) : null,
                CpuTile = ConvBound.OptimalTile(shape, batch, Math.Max(1, cpu.WorkingSetWords)),
                Generated = GeneratedConvTraffic.Of(shape, batch),
                Cpu = cpu,
                CpuTraffic = cpuTraffic,
                CpuBound = ConvBound.Of(shape, batch, Math.Max(1, cpu.WorkingSetWords)),
            });
        }

        return result.ToEquatableArray();
    }

    /// <summary>The convolution <paramref name="layer"/> computes, or null.</summary>
    public static ConvolutionShape? Shape(NetworkPlan plan, LayerInfo layer)
    {
        var inputs = new List<EquatableArray<int>>();
        foreach (var i in layer.Inputs)
        {
            inputs.Add(i < 0 ? plan.InputShape : plan.Layers[i].OutputShape);
        }

        return layer.Definition.Convolution(new LayerShapes(layer.Arguments, inputs, layer.OutputShape));
    }

    /// <summary>
    /// For the convolutions on chips that declare their memory: SDK0046 when the CPU tiling keeps more on chip than the chip
    /// has (the tile named is the one that reaches the bound within the chip's memory); otherwise SDK0047 when the tiling
    /// moves more than <see cref="RatioThreshold"/> times the bound at the memory it does keep (the tile named is the one
    /// that reaches the bound with that same memory). Not for Winograd: the bound is the direct method's (every product
    /// of a weight and an input), which Winograd does not compute, so its traffic is reported but not held against it.
    /// </summary>
    internal static void Report(NetworkSpec spec, NetworkPlan plan, List<CompilerDiagnostic> diagnostics)
    {
        foreach (var conv in plan.ConvolutionBounds)
        {
            if (conv.Bound is not { } bound || conv.Tile is not { } tile || conv.ChipWords is not { } chipWords)
            {
                continue;
            }

            var declared = spec.IndexOf(conv.Name);
            var target = declared >= 0 ? DiagnosticTarget.Layer(declared) : DiagnosticTarget.Network;
            var cpu = conv.Cpu;
            if (cpu.WorkingSetWords > chipWords)
            {
                diagnostics.Add(CompilerDiagnostic.Create(
                    DiagnosticRules.ConvWorkingSetExceedsMemory, target, conv.Name, conv.Chip, cpu.Algorithm.ToString(), cpu.WorkingSetWords * 4,
                    chipWords * 4, Bytes(bound.Total, conv.Batch), conv.Batch, tile.ToString(), tile.Words * 4));
            }
            else if (conv.CpuRatio > RatioThreshold && cpu.Algorithm != CpuConvAlgorithm.Winograd)
            {
                diagnostics.Add(CompilerDiagnostic.Create(
                    DiagnosticRules.ConvFarAboveBound, target, conv.Name, conv.Chip, cpu.Algorithm.ToString(), Bytes(conv.CpuTraffic.Total, conv.Batch),
                    conv.Batch, Ratio(conv.CpuRatio), Bytes(conv.CpuBound.Total, conv.Batch), cpu.WorkingSetWords * 4, conv.CpuTile.ToString(),
                    conv.CpuTile.Words * 4, Ratio(RatioThreshold)));
            }
        }
    }

    /// <summary>Bytes per sample of <paramref name="words"/> float32 words moved for <paramref name="batch"/> samples.</summary>
    public static long Bytes(long words, int batch) => (long)Math.Round(words * 4.0 / batch);

    public static string Ratio(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "—";
}

/// <summary>
/// The generated ILGPU kernel's traffic (<c>DeviceOps.Conv2D</c>): one thread per output element loops over its
/// window and loads the input and the weight of every real tap; nothing is shared between threads, so nothing is
/// reused on chip. Bias loads are left out, as everywhere in these counts.
/// </summary>
public static class GeneratedConvTraffic
{
    public static ConvTraffic Of(ConvolutionShape shape, int batch)
    {
        var macs = ConvBound.Macs(shape, batch);
        return new ConvTraffic(macs, macs, 0, ConvBound.Outputs(shape, batch));
    }
}

/// <summary>One convolution of a plan against its lower bound (all counts in float32 words for <see cref="Batch"/> samples).</summary>
public sealed record ConvBoundInfo
{
    /// <summary>Plan index of the layer.</summary>
    public int Layer { get; init; }

    public string Name { get; init; } = "";

    public int Chip { get; init; }

    public ConvolutionShape Shape { get; init; } = ConvolutionShape.Square(1, 1, 1, 1, 1);

    public int Batch { get; init; }

    /// <summary>The chip's declared memory in words; null when it declares none (then there is no bound at the chip).</summary>
    public long? ChipWords { get; init; }

    /// <summary>The lower bound at the chip's memory; null without a declared memory.</summary>
    public ConvBoundFigures? Bound { get; init; }

    /// <summary>The paper's tile that reaches <see cref="Bound"/>.</summary>
    public ConvTile? Tile { get; init; }

    /// <summary>The generated ILGPU kernel (one thread per output, no reuse).</summary>
    public ConvTraffic Generated { get; init; }

    /// <summary>What the vectorised CPU backend runs.</summary>
    public CpuConvChoice Cpu { get; init; } = null!;

    public ConvTraffic CpuTraffic { get; init; }

    /// <summary>The lower bound at the memory the CPU tiling blocks for (<see cref="CpuConvChoice.WorkingSetWords"/>).</summary>
    public ConvBoundFigures CpuBound { get; init; } = null!;

    /// <summary>The paper's tile that reaches <see cref="CpuBound"/>: the same memory, used as the bound's dataflow would.</summary>
    public ConvTile CpuTile { get; init; }

    /// <summary>Generated kernel's traffic over the bound at the chip's memory.</summary>
    public double? GeneratedRatio => Bound is { } b ? (double)Generated.Total / b.Total : null;

    /// <summary>CPU traffic over the bound at the chip's memory.</summary>
    public double? CpuChipRatio => Bound is { } b ? (double)CpuTraffic.Total / b.Total : null;

    /// <summary>CPU traffic over the bound at the memory its own tiling uses: how far the tiling is from the best one of its size.</summary>
    public double CpuRatio => (double)CpuTraffic.Total / CpuBound.Total;
}
