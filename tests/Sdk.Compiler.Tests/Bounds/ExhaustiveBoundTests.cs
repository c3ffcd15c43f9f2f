using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler.Tests.Bounds;

/// <summary>
/// Issue 13, part 4: on small convolutions, every tiling of the paper's dataflow and of ours (the loop nests the CPU
/// backend's algorithms are instances of) is run MAC by MAC (<see cref="LoopNestSimulator"/>). No tiling moves less
/// than the lower bound at the memory it used, the model's count (<see cref="ConvTiling.Traffic"/>) is the simulated
/// one, and the paper's dataflow comes within its approximation's factor of the bound.
/// </summary>
public class ExhaustiveBoundTests
{
    private const int Batch = 2;

    /// <summary>Every case the bound's rules distinguish: stride below, equal to and above the window, with and without padding, dilation with and without a stride, groups, depthwise.</summary>
    public static TheoryData<string, ConvolutionShape> Shapes => new()
    {
        { "3x3, padded", ConvolutionShape.Square(3, 5, 5, 4, 3, padding: 1) },
        { "3x3, unpadded", ConvolutionShape.Square(2, 6, 6, 3, 3) },
        { "3x3 stride 2, padded (stride does not divide the window)", ConvolutionShape.Square(2, 7, 7, 4, 3, stride: 2, padding: 1) },
        { "2x2 stride 2", ConvolutionShape.Square(3, 6, 6, 2, 2, stride: 2) },
        { "1x1 stride 2 (stride above the window)", ConvolutionShape.Square(4, 6, 6, 3, 1, stride: 2) },
        { "1x1", ConvolutionShape.Square(4, 4, 4, 4, 1) },
        { "3x3 dilation 2", ConvolutionShape.Square(2, 7, 7, 2, 3, dilation: 2, padding: 1) },
        { "3x3 dilation 2 stride 2", ConvolutionShape.Square(2, 9, 9, 2, 3, stride: 2, dilation: 2) },
        { "3x1 rectangle, padded", new ConvolutionShape(2, 5, 6, 3, 3, 1, PadTop: 1, PadBottom: 1) },
        { "grouped", ConvolutionShape.Square(4, 5, 5, 4, 3, padding: 1, groups: 2) },
        { "depthwise", ConvolutionShape.Square(3, 5, 5, 3, 3, padding: 1, groups: 3) },

        // Wide enough that the paper's term, not reading everything once, binds for small tiles (tile sizes sampled).
        { "wide 1x1", ConvolutionShape.Square(16, 4, 4, 16, 1) },
        { "wide 3x3, padded", ConvolutionShape.Square(8, 6, 6, 8, 3, padding: 1) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void NoTilingMovesLessThanTheBoundAndTheModelCountsWhatTheLoopNestMoves(string name, ConvolutionShape shape)
    {
        var checkedTilings = 0;
        foreach (var tiling in Tilings(shape))
        {
            var (simulated, peak) = LoopNestSimulator.Run(tiling, shape, Batch);
            var bound = ConvBound.Of(shape, Batch, peak);
            Assert.True(simulated.Total >= bound.Total, $"{name}: {Describe(tiling)} moves {simulated.Total} words with {peak} on chip, below the bound {bound.Total}");
            Assert.Equal(simulated, tiling.Traffic(shape, Batch));
            checkedTilings++;
        }

        Assert.True(checkedTilings >= 100, $"{name}: only {checkedTilings} tilings");
    }

    /// <summary>
    /// The paper's dataflow reaches the bound within the factor of its own analysis (Sec. III). For a tile of b·x·y
    /// positions by z channels the analysis counts MACs·(1/(R·z) + 1/(b·x·y)) loads plus the outputs, which is
    /// 2·MACs/√(R·S) at b·x·y = R·z, S = b·x·y·z; it takes a block's input window as b·x·y·stride² (no halo: the factor
    /// ((x − 1)·stride + KW)·((y − 1)·stride + KH) / (x·y·stride²)) and tiles that divide the layer. Checked on the
    /// memories where the balanced tile fits the layer (z = √(S/R) ≤ M/G), which is the regime the analysis is for;
    /// with the whole layer's partial sums on chip the dataflow moves exactly the compulsory traffic.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void ThePapersDataflowReachesTheBoundWithinItsFactor(string name, ConvolutionShape shape)
    {
        var reuse = ConvBound.Reuse(shape);
        var fullMacs = (double)Batch * shape.OutChannels * shape.Positions * shape.Depth;
        var outputs = ConvBound.Outputs(shape, Batch);
        for (var z = 1; z <= shape.OutPerGroup; z++)
        {
            var words = (long)Math.Ceiling(reuse * z * z);
            var tile = ConvBound.OptimalTile(shape, Batch, words);
            if (tile.Channels != z || tile.Positions < reuse * z / 2)
            {
                continue; // clipped by the layer: outside the analysis
            }

            var moved = ConvTiling.Paper(shape, tile).Traffic(shape, Batch).Total;
            var bound = ConvBound.Of(shape, Batch, tile.Words);
            var analysis = fullMacs * ((1 / (reuse * tile.Channels)) + (1.0 / tile.Positions));
            var balance = analysis / (2 * fullMacs / Math.Sqrt(reuse * tile.Words));
            var border = fullMacs / bound.Macs; // the paper's MACs include the padding taps
            var factor = Halo(shape.Height, tile.Rows) * Halo(shape.Width, tile.Columns) * Rounding(shape, tile) * balance * border;
            Assert.True(balance <= 1.1, $"{name}, tile {tile}: not balanced ({balance:0.00})");
            Assert.True(moved <= (factor * bound.Pebble) + outputs, $"{name}, tile {tile}: moves {moved}, above {factor:0.00} x the bound's {bound.Pebble:0} + {outputs} outputs");
        }

        var whole = ConvTiling.Paper(shape, new ConvTile(Batch, shape.OutHeight, shape.OutWidth, shape.OutPerGroup));
        var layer = ConvBound.Of(shape, Batch, (long)Batch * shape.Positions * shape.OutPerGroup);
        Assert.Equal(layer.CompulsoryLoads + layer.Outputs, whole.Traffic(shape, Batch).Total);
    }

    /// <summary>The generated ILGPU kernel: one thread per output reads each real tap's input and weight; the count is that loop nest's.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheGeneratedKernelReadsEveryTapOnce(string name, ConvolutionShape shape)
    {
        long loads = 0;
        for (var o = 0; o < Batch * shape.OutChannels * shape.Positions; o++)
        {
            var (oh, ow) = ((o / shape.OutWidth) % shape.OutHeight, o % shape.OutWidth);
            for (var k = 0; k < shape.Depth; k++)
            {
                var ih = shape.Height.Input(oh, (k % shape.Taps) / shape.KernelWidth);
                var iw = shape.Width.Input(ow, k % shape.KernelWidth);
                loads += shape.Height.Inside(ih) && shape.Width.Inside(iw) ? 2 : 0;
            }
        }

        var traffic = GeneratedConvTraffic.Of(shape, Batch);
        Assert.Equal(loads, traffic.InputLoads + traffic.WeightLoads);
        Assert.Equal((long)Batch * shape.OutChannels * shape.Positions, traffic.OutputStores);
        Assert.True(traffic.Total >= ConvBound.Of(shape, Batch, 1).Total, name);
    }

    /// <summary>The paper's tilings and ours: every block shape, chunk and slice of each loop nest.</summary>
    private static IEnumerable<ConvTiling> Tilings(ConvolutionShape s)
    {
        foreach (var paper in PaperTilings(s))
        {
            yield return paper;
        }

        var positions = s.Positions;
        var depths = new[] { 1, s.Taps, s.Depth }.Distinct().ToArray();
        foreach (var channels in Sizes(s.OutPerGroup))
        {
            foreach (var (rounding, rows) in new[] { (1, false), (2, false), (1, true) })
            {
                // Indirect positions and rows, depthwise: a run of positions, its inputs (or whole input rows) kept, whole depth in registers.
                foreach (var run in Sizes(positions))
                {
                    yield return new ConvTiling { Name = "resident input", RunPositions = run, Channels = channels, ChannelRounding = rounding, Depth = s.Depth, InputResident = true, WholeRows = rows };
                }
            }

            // im2col / pointwise GEMM (BLIS order), over one sample or two.
            foreach (var samples in new[] { 1, 2 })
            {
                foreach (var run in Sizes(samples * positions).Where(r => r < 8 || r % 3 == 2 || r == samples * positions))
                {
                    foreach (var depth in depths)
                    {
                        yield return new ConvTiling { Name = "GEMM", RunPositions = run, ChunkSamples = samples, Channels = channels, Depth = depth, DepthOutside = true, OutputsCopied = samples > 1 };
                    }
                }
            }

            // The transposed GEMM: a sample's column matrix kept, the weights in slices.
            foreach (var depth in depths)
            {
                yield return new ConvTiling { Name = "transposed", RunPositions = positions, Channels = channels, Depth = depth, DepthOutside = true, InputResident = true };
            }
        }
    }

    /// <summary>The paper's dataflow: every b x y x z block of partial sums, one input channel per slice.</summary>
    private static IEnumerable<ConvTiling> PaperTilings(ConvolutionShape s)
    {
        for (var b = 1; b <= Batch; b++)
        {
            foreach (var y in Sizes(s.OutHeight))
            {
                foreach (var x in Sizes(s.OutWidth))
                {
                    foreach (var z in Sizes(s.OutPerGroup))
                    {
                        yield return ConvTiling.Paper(s, new ConvTile(b, y, x, z));
                    }
                }
            }
        }
    }

    /// <summary>Every size up to <paramref name="max"/> for small layers; above 8, the divisors and a few others.</summary>
    private static IEnumerable<int> Sizes(int max) =>
        Enumerable.Range(1, max).Where(n => max <= 8 || n <= 4 || max % n == 0 || n % 5 == 0);

    /// <summary>A block's input extent over the b·x·y·stride² the paper's analysis counts, along one axis (at least 1: strides past the window read less).</summary>
    private static double Halo(ConvAxis axis, int outputs) =>
        Math.Max(1, ((double)((outputs - 1) * axis.Stride) + ((axis.Kernel - 1) * axis.Dilation) + 1) / (outputs * axis.Stride));

    /// <summary>Blocks at the layer's edge hold fewer positions and channels than the tile: the most a tile's count can exceed an exact division.</summary>
    private static double Rounding(ConvolutionShape s, ConvTile t) =>
        Cover(Batch, t.Samples) * Cover(s.OutHeight, t.Rows) * Cover(s.OutWidth, t.Columns) * Cover(s.OutPerGroup, t.Channels);

    private static double Cover(int n, int tile) => (double)((n + tile - 1) / tile * tile) / n;

    private static string Describe(ConvTiling t) =>
        $"{t.Name} ({(t.Rectangle is { } r ? r.ToString() : $"runs of {t.RunPositions} over {t.ChunkSamples} sample(s)")}, {t.Channels} channels rounded to {t.ChannelRounding}, depth {t.Depth})";
}
