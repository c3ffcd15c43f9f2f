using System;
using System.Linq;

namespace Sdk.Compiler.Tests.Bounds;

/// <summary>
/// The lower bound and the CPU model on ResNet-18 (CIFAR: 3x32x32, 1x1 projections), with the arithmetic written out
/// here rather than taken from the code under test: batch 32, float32 words, on-chip memory S of 64 KiB (16384 words,
/// where the paper's term binds) and 1 MiB (262144 words, where reading everything once binds).
/// </summary>
public class ConvBoundTests
{
    private const int Batch = 32;
    private const long Small = 64 * 1024 / 4;
    private const long Large = 1024 * 1024 / 4;

    /// <summary>
    /// Each 3x3 convolution: (input channels, input size, output channels, stride). Padding 1, so along an axis of n
    /// outputs the real taps are 3n − 2 at stride 1 (the first and last output each have one tap in the padding) and
    /// 3n − 1 at stride 2 (only the first: 2(n − 1) − 1 + 2 = 2n − 1 is the last input). R = 9 at stride 1, 9/4 at 2.
    /// </summary>
    [Theory]
    //          C    H    M  stride  words     expected total words
    [InlineData(3, 32, 64, 1, Small, 2197184L)]     // stem: 32·3·32·32 + 64·3·9 = 100032 loads + 32·64·32·32 = 2097152 outputs beat 2·32·64·3·94²/√(9·16384) = 282752
    [InlineData(64, 32, 64, 1, Small, 6032043L)]    // ⌈2·32·64·64·94² / √(9·16384)⌉ = ⌈2·1158152192 / 384⌉ = ⌈6032042.67⌉
    [InlineData(64, 32, 128, 2, Small, 6032043L)]   // ⌈2·32·128·64·47² / √(2.25·16384)⌉ = ⌈2·579076096 / 192⌉
    [InlineData(128, 16, 128, 1, Small, 5778091L)]  // ⌈2·32·128·128·46² / 384⌉ = ⌈2·1109393408 / 384⌉ = ⌈5778090.67⌉
    [InlineData(128, 16, 256, 2, Small, 5778091L)]  // ⌈2·32·256·128·23² / 192⌉ = ⌈2·554696704 / 192⌉
    [InlineData(256, 8, 256, 1, Small, 5286571L)]   // ⌈2·32·256·256·22² / 384⌉ = ⌈2·1015021568 / 384⌉ = ⌈5286570.67⌉
    [InlineData(256, 8, 512, 2, Small, 5286571L)]   // ⌈2·32·512·256·11² / 192⌉ = ⌈2·507510784 / 192⌉
    [InlineData(512, 4, 512, 1, Small, 4369067L)]   // ⌈2·32·512·512·10² / 384⌉ = ⌈2·838860800 / 384⌉ = ⌈4369066.67⌉
    [InlineData(64, 32, 64, 1, Large, 4231168L)]    // 2·1158152192/1536 = 1508010.7 < 32·64·32·32 + 64·64·9 + 32·64·32·32 = 2097152 + 36864 + 2097152
    [InlineData(64, 32, 128, 2, Large, 3219456L)]   // 2097152 + 128·64·9 + 32·128·16·16 = 2097152 + 73728 + 1048576
    [InlineData(128, 16, 128, 1, Large, 2244608L)]  // 32·128·16·16 + 128·128·9 + 32·128·16·16 = 1048576 + 147456 + 1048576
    [InlineData(128, 16, 256, 2, Large, 1867776L)]  // 1048576 + 256·128·9 + 32·256·8·8 = 1048576 + 294912 + 524288
    [InlineData(256, 8, 256, 1, Large, 1638400L)]   // 524288 + 256·256·9 + 524288 = 524288 + 589824 + 524288
    [InlineData(256, 8, 512, 2, Large, 1966080L)]   // 524288 + 512·256·9 + 32·512·4·4 = 524288 + 1179648 + 262144
    [InlineData(512, 4, 512, 1, Large, 2883584L)]   // 32·512·4·4 + 512·512·9 + 262144 = 262144 + 2359296 + 262144
    public void ResNet18ThreeByThreeConvolutions(int c, int h, int m, int stride, long words, long expected)
    {
        var shape = ConvolutionShape.Square(c, h, h, m, 3, stride, padding: 1);
        var bound = ConvBound.Of(shape, Batch, words);

        Assert.Equal(expected, bound.Total);
        Assert.Equal(stride == 1 ? 9 : 2.25, bound.Reuse);
        var taps = stride == 1 ? (3 * (h / stride)) - 2 : (3 * (h / stride)) - 1;
        Assert.Equal((long)Batch * m * c * taps * taps, bound.Macs);
    }

    /// <summary>
    /// Through a compiled plan, in bytes per sample. A chip must hold its parameters (SDK0020), so the whole ResNet on one
    /// chip needs 64 MiB (16777216 words): reading everything once binds, and the paper's tile is clipped to the layer.
    /// </summary>
    [Fact]
    public void ThePlanReportsTheBoundPerSampleAndTheTileThatReachesIt()
    {
        var plan = NetworkPlan.Compile(ResNet18.Spec(memoryKiB: 65536));
        var conv = plan.ConvolutionBounds.Single(b => b.Name == "L1B1Conv1");

        Assert.Equal(16777216, conv.ChipWords);
        Assert.Equal(4231168L * 4 / 32, ConvBounds.Bytes(conv.Bound!.Total, conv.Batch)); // as at 1 MiB above: 528896 B
        // z = round(√(16777216 / 9)) = 1365, clipped to the 64 channels; 16777216 / 64 positions, clipped to 32 samples of 32x32.
        Assert.Equal(new ConvTile(32, 32, 32, 64), conv.Tile);
        Assert.Equal(20, plan.ConvolutionBounds.Count); // stem, 16 3x3, 3 projections
    }

    /// <summary>The paper's tile at 64 KiB: z = round(√(16384 / 9)) = round(42.67) = 43 channels; 16384 / 43 = 381 positions, 11 rows of 32.</summary>
    [Fact]
    public void ThePapersTileBalancesPositionsAgainstChannels()
    {
        Assert.Equal(new ConvTile(1, 11, 32, 43), ConvBound.OptimalTile(ConvolutionShape.Square(64, 32, 32, 64, 3, padding: 1), Batch, Small));
    }

    /// <summary>
    /// L1B1Conv1 on the AVX2 kernel: indirect positions, runs of 216 positions (1024 / 240 → 5 runs, ⌈1024/5⌉ = 205
    /// rounded up to 24s = 216). Per sample: input rows copied whole, 32 wide, 64 channels: runs cover output rows 0-6,
    /// 6-13, 13-20, 20-26, 27-31, reading input rows 0-7, 5-14, 12-21, 19-27, 26-31 = 8 + 10 + 10 + 9 + 6 = 43 rows;
    /// the weights (64 x 576) once per run; each output once.
    /// </summary>
    [Fact]
    public void TheCpuModelCountsTheIndirectPositionsKernel() // the direct plan (winograd: false); it runs Winograd (below)
    {
        var shape = ConvolutionShape.Square(64, 32, 32, 64, 3, padding: 1);
        var choice = CpuConvModel.Choose(shape, CpuGemmTarget.Vector256, Batch, winograd: false);
        var traffic = choice.Tiling.Traffic(shape, Batch);

        Assert.Equal(CpuConvAlgorithm.IndirectPositions, choice.Algorithm);
        Assert.Equal(216, choice.PositionsPerTask);
        Assert.Equal(Batch * 43L * 32 * 64, traffic.InputLoads);
        Assert.Equal(Batch * 5L * 64 * 576, traffic.WeightLoads);
        Assert.Equal(Batch * 64L * 1024, traffic.OutputStores);
        Assert.Equal(0, traffic.OutputLoads);

        // On chip: at most 10 input rows of the padded width 34, a 16 x 576 weight sliver, the 240 x 16 tile buffer.
        Assert.Equal((64L * 10 * 34) + (16 * 576) + (240 * 16), choice.WorkingSetWords);
    }

    /// <summary>
    /// The same layer as it runs from batch 1 on AVX2 (and AVX-512): Winograd F(2x2, 3x3). 16x16 tiles of 2x2 outputs per
    /// sample fill a 16-wide GEMM tile and 256 x 64 x 64 ≥ 2^18, so from batch 1. A task may hold 2^17 / 16 / 64 = 128
    /// tiles (a multiple of NR = 16), fewer than a sample's 256: bands of 128 / 16 = 8 tile rows, 2 per sample (at least
    /// two tasks per thread: 32 x 2 ≥ 2), no channel shares; output channels in blocks of ⌈64 / 6⌉ = 11 six-row tiles.
    /// Per sample: each band's input rows copied whole (output rows 0-15 read input rows 0-16, rows 16-31 read 15-31:
    /// 17 rows each, 32 wide, 64 channels); the transformed weights once per band, 16 words per channel pair, 66 rows
    /// (64 rounded up to 6); each output once. On chip: the packed transformed input 16 x 64 x 128, the products of
    /// 30 channels (2^16 / 16 / 136 rounded down to 6s) x 16 x 136 columns, and one channel's 18 padded rows of 50.
    /// </summary>
    [Fact]
    public void TheCpuModelCountsWinograd()
    {
        var shape = ConvolutionShape.Square(64, 32, 32, 64, 3, padding: 1);
        Assert.Equal(1, CpuConvModel.WinogradFromBatch(shape, CpuGemmTarget.Vector256));
        Assert.Equal(0, CpuConvModel.WinogradFromBatch(shape, CpuGemmTarget.Vector128));
        Assert.Equal(0, CpuConvModel.WinogradFromBatch(ConvolutionShape.Square(16, 32, 32, 64, 3, padding: 1), CpuGemmTarget.Vector256));
        // 32 input channels pay on AVX2, not on AVX-512: the Fashion CNN's 32 → 64 on 14x14 (49 tiles x 32 x 64 per
        // sample, 2^18 from batch 3).
        Assert.Equal(3, CpuConvModel.WinogradFromBatch(ConvolutionShape.Square(32, 14, 14, 64, 3, padding: 1), CpuGemmTarget.Vector256));
        Assert.Equal(0, CpuConvModel.WinogradFromBatch(ConvolutionShape.Square(32, 14, 14, 64, 3, padding: 1), CpuGemmTarget.Vector512));
        Assert.Equal(0, CpuConvModel.WinogradFromBatch(ConvolutionShape.Square(64, 32, 32, 64, 3, stride: 2, padding: 1), CpuGemmTarget.Vector256));
        // 512 channels on 4x4: 4 tiles a sample; 32 of them fill AVX-512's 32-wide tile from batch 8, AVX2's 16 from 4.
        Assert.Equal(8, CpuConvModel.WinogradFromBatch(ConvolutionShape.Square(512, 4, 4, 512, 3, padding: 1), CpuGemmTarget.Vector512));
        Assert.Equal(4, CpuConvModel.WinogradFromBatch(ConvolutionShape.Square(512, 4, 4, 512, 3, padding: 1), CpuGemmTarget.Vector256));

        // 256 channels on 8x8 at batch 2, AVX-512, 2 threads: 16 tiles a sample, 2^17 / 16 / 256 = 32 tiles a task, so
        // both samples fit one task; the transformed weights (256 x 256 per ξ) outweigh its input (256 x 32), so the two
        // threads share the 32 eight-row blocks of output channels (128 channels each) instead of a sample each, which
        // would read all the weights twice.
        Assert.Equal(
            new WinogradTasks(Samples: 2, TileRows: 4, Bands: 1, ChannelSplits: 2, ChannelsPerSplit: 128),
            CpuConvModel.WinogradTasks(ConvolutionShape.Square(256, 8, 8, 256, 3, padding: 1), CpuGemmTarget.Vector512, 2, 2));

        var choice = CpuConvModel.Choose(shape, CpuGemmTarget.Vector256, Batch);
        var traffic = choice.Tiling.Traffic(shape, Batch);
        Assert.Equal(CpuConvAlgorithm.Winograd, choice.Algorithm);
        Assert.Equal(new WinogradTasks(Samples: 1, TileRows: 8, Bands: 2, ChannelSplits: 1, ChannelsPerSplit: 66), CpuConvModel.WinogradTasks(shape, CpuGemmTarget.Vector256, Batch, 1));
        Assert.Equal(Batch * 2L * 17 * 32 * 64, traffic.InputLoads);
        Assert.Equal(Batch * 2L * 66 * 64 * 16, traffic.WeightLoads);
        Assert.Equal(Batch * 64L * 1024, traffic.OutputStores);
        Assert.Equal(0, traffic.OutputLoads);
        Assert.Equal((16L * 64 * 128) + (16L * 30 * 136) + (18 * 50), choice.WorkingSetWords);
    }

    /// <summary>
    /// The same layer on the AVX-512 kernel: its 8 x 32 positions tile, with the same runs (216 positions) and so the same
    /// inputs and outputs; the weights in 32-channel slivers (64 channels: two, no padding); on chip a 32 x 576 sliver and
    /// a 240 x 32 tile buffer. Channels that fill less than 3/4 of 32 (16 of them, which fill AVX2's tile) go to im2col +
    /// GEMM, and AVX-512 has no indirect rows (8 channels: rows on AVX2, im2col here).
    /// </summary>
    [Fact]
    public void TheCpuModelCountsTheAvx512PositionsKernel()
    {
        var shape = ConvolutionShape.Square(64, 32, 32, 64, 3, padding: 1);
        var choice = CpuConvModel.Choose(shape, CpuGemmTarget.Vector512, Batch, winograd: false);
        var traffic = choice.Tiling.Traffic(shape, Batch);

        Assert.Equal(CpuConvAlgorithm.IndirectPositions, choice.Algorithm);
        Assert.Equal(216, choice.PositionsPerTask);
        Assert.Equal(32, choice.Tiling.Channels);
        Assert.Equal(Batch * 43L * 32 * 64, traffic.InputLoads);
        Assert.Equal(Batch * 5L * 64 * 576, traffic.WeightLoads);
        Assert.Equal(Batch * 64L * 1024, traffic.OutputStores);
        Assert.Equal((64L * 10 * 34) + (32 * 576) + (240 * 32), choice.WorkingSetWords);

        Assert.Equal(CpuConvAlgorithm.IndirectPositions, CpuConvModel.Algorithm(ConvolutionShape.Square(32, 14, 14, 24, 3, padding: 1), CpuGemmTarget.Vector512));
        Assert.Equal(CpuConvAlgorithm.Im2ColGemm, CpuConvModel.Algorithm(ConvolutionShape.Square(32, 14, 14, 16, 3, padding: 1), CpuGemmTarget.Vector512));
        Assert.Equal(CpuConvAlgorithm.IndirectPositions, CpuConvModel.Algorithm(ConvolutionShape.Square(32, 14, 14, 16, 3, padding: 1), CpuGemmTarget.Vector256));
        Assert.Equal(CpuConvAlgorithm.IndirectRows, CpuConvModel.Algorithm(ConvolutionShape.Square(32, 14, 14, 8, 3, padding: 1), CpuGemmTarget.Vector256));
        Assert.Equal(CpuConvAlgorithm.Im2ColGemm, CpuConvModel.Algorithm(ConvolutionShape.Square(32, 14, 14, 8, 3, padding: 1), CpuGemmTarget.Vector512));
        Assert.Equal(CpuConvAlgorithm.Im2ColGemm, CpuConvModel.Algorithm(ConvolutionShape.Square(64, 32, 32, 64, 3, padding: 1), CpuGemmTarget.Vector128));
    }

    /// <summary>
    /// L4B1Conv2 (512 → 512, 4x4) on the 128-bit kernel (no positions tile; AVX2 and AVX-512 run indirect positions):
    /// im2col + GEMM over 16 samples (256 columns). Per GEMM: one 1024-column block, ⌈4608 / 256⌉ = 18 depth panels,
    /// 512 / 128 = 4 row blocks of the weights (a multiple of the 8-row tile, so no zero rows): the packed weights once per
    /// GEMM, partial sums stored after each panel and read back for the 17 after the first, the 16 samples' outputs copied
    /// out of scratch.
    /// </summary>
    [Fact]
    public void TheCpuModelCountsTheBlockedGemm()
    {
        var shape = ConvolutionShape.Square(512, 4, 4, 512, 3, padding: 1);
        var choice = CpuConvModel.Choose(shape, CpuGemmTarget.Vector128, Batch);
        var traffic = choice.Tiling.Traffic(shape, Batch);
        var gemms = Batch / 16;
        var outputs = 512L * 256;

        Assert.Equal(CpuConvAlgorithm.Im2ColGemm, choice.Algorithm);
        Assert.Equal(16, choice.SamplesPerGemm);
        Assert.Equal(gemms * 512L * 4608, traffic.WeightLoads);
        Assert.Equal(gemms * ((18 * outputs) + outputs), traffic.OutputStores);
        Assert.Equal(gemms * ((17 * outputs) + outputs), traffic.OutputLoads);

        // Each panel's inputs: what the taps of its 256 depth rows (channel = row / 9, tap = row % 9) read over the 4x4 map.
        var panelInputs = Enumerable.Range(0, 18).Sum(p =>
            Enumerable.Range(p * 256, 256)
                .SelectMany(row => Enumerable.Range(0, 16).Select(q => (Channel: row / 9, Ih: (q / 4) - 1 + (row % 9 / 3), Iw: (q % 4) - 1 + (row % 3))))
                .Where(x => x.Ih is >= 0 and < 4 && x.Iw is >= 0 and < 4)
                .Distinct()
                .Count());
        Assert.Equal(gemms * 16L * panelInputs, traffic.InputLoads);
    }

    /// <summary>A chip that declares no memory has no bound: the report shows the kernels' traffic and the CPU tiling's own ratio only.</summary>
    [Fact]
    public void WithoutDeclaredMemoryThereIsNoBoundAtTheChip()
    {
        var plan = NetworkPlan.Compile(ResNet18.Spec(memoryKiB: 0));
        var conv = plan.ConvolutionBounds.First();

        Assert.Null(conv.ChipWords);
        Assert.Null(conv.Bound);
        Assert.Null(conv.Tile);
        Assert.Null(conv.GeneratedRatio);
        Assert.Null(conv.CpuChipRatio);
        Assert.True(conv.CpuRatio > 0);
        Assert.Contains("| 0 | Stem | 0 | 3→64, 3x3, 32x32 | — | — |", plan.TrafficMarkdown, StringComparison.Ordinal);
        Assert.Contains("\"chipMemoryBytes\": null", plan.TrafficJson, StringComparison.Ordinal);
        Assert.DoesNotContain(NetworkCompiler.Compile(ResNet18.Spec(memoryKiB: 0)).Diagnostics, d => d.Id is "SDK0046" or "SDK0047");
    }
}
