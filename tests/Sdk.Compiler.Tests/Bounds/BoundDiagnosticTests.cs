using System;
using System.Linq;

namespace Sdk.Compiler.Tests.Bounds;

/// <summary>SDK0046 and SDK0047, with the figures of their messages worked out by hand (batch 32, float32 words, the AVX2 kernels).</summary>
public class BoundDiagnosticTests
{
    /// <summary>
    /// The stem (3 → 64, 3x3, 32x32) on a 16 KiB chip: indirect rows keep a sample's 34 padded input rows (3 x 34 x 34 =
    /// 3468 words) and the weights (64 rows rounded to 66 x 27 = 1782): 5250 words = 21000 B, more than 16384 B. At S =
    /// 4096 words: 2·32·64·3·94² / √(9·4096) = 108576768 / 192 = 565504 is below reading everything once, 32·3·1024 +
    /// 64·27 + 32·64·1024 = 2197184 words, 274648 B per sample. The paper's tile: z = round(√(4096 / 9)) = 21, 4096 / 21 =
    /// 195 positions: 6 rows of 32 (21·192·4 = 16128 B).
    /// </summary>
    [Fact]
    public void TilingLargerThanTheChipsMemory()
    {
        var diagnostic = Compile(new[] { 3, 32, 32 }, memoryKiB: 16, ("Conv", Conv(64, 3))).Single(d => d.Id == "SDK0046");

        Assert.Equal(
            "Layer 'Conv' on chip 0: the vectorised CPU kernel (IndirectRows) blocks for 21000 B on chip, more than the 16384 B the chip declares; " +
            "with that memory the least traffic is 274648 B per sample (batch 32), reached by keeping 21 output channels x 6x32 output positions of partial sums (16128 B) on chip",
            diagnostic.Message);
        Assert.Equal(DiagnosticTarget.Layer(0), diagnostic.Target);
    }

    /// <summary>
    /// 512 → 512, 3x3 on 8x8 maps: indirect positions, one run of 72 ≥ 64 positions per sample, so the 512 x 4608 packed
    /// weights are read once per sample. Per sample: 8 input rows x 8 x 512 = 32768 inputs, 2359296 weights, 32768
    /// outputs: 2424832 words = 9699328 B. On chip: 10 x 10 x 512 padded rows + 16 x 4608 + 240 x 16 = 128768 words
    /// (515072 B). Bound there: ⌈2·32·512·512·22² / √(9·128768)⌉ = ⌈8120172544 / 1076.53⌉ = 7542930 words (above reading
    /// everything once, 4456448), 942866 B per sample: 10.29 times. z = round(√(128768 / 9)) = 120, 128768 / 120 = 1073
    /// positions: 16 samples of 8x8.
    /// </summary>
    [Fact]
    public void TilingFarAboveTheBoundAtItsOwnMemory()
    {
        var diagnostic = Compile(new[] { 512, 8, 8 }, memoryKiB: 16384, ("Conv", Conv(512, 3))).Single(d => d.Id == "SDK0047");
        var pebble = (long)Math.Ceiling(2.0 * 32 * 512 * 512 * 22 * 22 / Math.Sqrt(9 * 128768));

        Assert.Equal(7542930, pebble);
        Assert.Equal(
            $"Layer 'Conv' on chip 0: the vectorised CPU kernel (IndirectPositions) moves 9699328 B per sample (batch 32) to and from off-chip memory, " +
            $"{32.0 * 2424832 / pebble:0.00} times the lower bound of 942866 B for the 515072 B it keeps on chip; " +
            "keeping 120 output channels x 16 samples x 8x8 output positions of partial sums (491520 B) on chip instead would reach it (threshold 8.00)",
            diagnostic.Message);
    }

    /// <summary>The usual fix: a 1x1 bottleneck around a narrower 3x3 (or groups) re-reads four times fewer weights per run.</summary>
    [Fact]
    public void BottleneckBlockStaysBelowTheThreshold()
    {
        var layers = new[] { ("Reduce", Conv(128, 1)), ("Conv", Conv(128, 3)), ("Expand", Conv(512, 1)) };

        Assert.DoesNotContain(Compile(new[] { 512, 8, 8 }, 16384, layers), d => d.Severity >= Severity.Warning);
        // docs/diagnostics/SDK0047.md: "the bottleneck block's worst layer, the 3x3, moves 5.8 times its bound".
        var ratios = NetworkPlan.Compile(Spec(new[] { 512, 8, 8 }, 16384, layers)).ConvolutionBounds.ToDictionary(c => c.Name, c => c.CpuRatio);
        Assert.Equal("Conv", ratios.MaxBy(r => r.Value).Key);
        Assert.Equal(5.8, Math.Round(ratios["Conv"], 1));
    }

    /// <summary>ResNet-18 on chips that hold its parameters: no layer's tiling exceeds the chip nor the threshold.</summary>
    [Fact]
    public void ResNet18IsQuiet()
    {
        Assert.DoesNotContain(NetworkCompiler.Compile(ResNet18.Spec(memoryKiB: 65536)).Diagnostics, d => d.Id is "SDK0046" or "SDK0047");
    }

    private static LayerArguments Conv(int filters, int kernel) => new() { Size = filters, Kernel = kernel, Padding = kernel / 2, Bias = true };

    private static EquatableArray<CompilerDiagnostic> Compile(int[] input, long memoryKiB, params (string Name, LayerArguments Arguments)[] layers) =>
        NetworkCompiler.Compile(Spec(input, memoryKiB, layers)).Diagnostics;

    private static NetworkSpec Spec(int[] input, long memoryKiB, (string Name, LayerArguments Arguments)[] layers) =>
        new("Net", EquatableArray.Of(input), PlacementMode.Manual, EquatableArray.Of(new ChipSpec(0, null, 0, memoryKiB)), EquatableArray<LinkSpec>.Empty,
            layers.Select(l => new LayerSpec(l.Name, LayerKind.Conv2D, l.Arguments, LayerSpec.ReadsPrevious)).ToEquatableArray());
}
