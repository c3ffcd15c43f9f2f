using System;
using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>
/// A dataflow of a convolution as a tiled loop nest, per group: the outputs are cut into blocks of positions; each
/// block is computed in chunks of <see cref="Channels"/> output channels and slices of <see cref="Depth"/> rows of
/// the reduction (the im2col rows: input channel major, then the window's taps). What stays on chip decides what is
/// loaded again: the block's inputs for all chunks (<see cref="InputResident"/>), a slice's inputs for all chunks
/// (<see cref="DepthOutside"/>, the BLIS order, where partial sums go back to memory between slices), or nothing
/// (the paper's dataflow: partial sums stay, each chunk streams its own inputs and weights). Weights are never kept
/// from one block to the next. Both the paper's dataflow and the SDK's kernels are instances (see
/// <see cref="CpuConvModel"/>), so one count covers them all.
/// </summary>
public sealed record ConvTiling
{
    public string Name { get; init; } = "";

    /// <summary>Rectangular blocks (the paper's b x y of positions); null for runs of <see cref="RunPositions"/>.</summary>
    public ConvTile? Rectangle { get; init; }

    /// <summary>Blocks of this many consecutive output positions (row-major, across row ends and across the samples of a chunk).</summary>
    public int RunPositions { get; init; }

    /// <summary>Samples whose positions a run may cross (a GEMM over several samples' columns); runs restart at each chunk.</summary>
    public int ChunkSamples { get; init; } = 1;

    /// <summary>Output channels computed together.</summary>
    public int Channels { get; init; }

    /// <summary>Weights are read as packed rows, zero-filled to a multiple of this (the micro-kernel's channel tile).</summary>
    public int ChannelRounding { get; init; } = 1;

    /// <summary>Reduction rows per slice (at most the depth (C/G)·KH·KW); the whole depth means partial sums never leave the kernel's registers.</summary>
    public int Depth { get; init; }

    /// <summary>Slices outside chunks (BLIS): a slice's inputs serve every chunk, and partial sums are stored and read back between slices.</summary>
    public bool DepthOutside { get; init; }

    /// <summary>The block's inputs (every channel of the group) are loaded once and serve every chunk and slice (a padded copy, a column matrix).</summary>
    public bool InputResident { get; init; }

    /// <summary>
    /// With <see cref="InputResident"/>: the block's input is copied as whole rows (every input row its output rows read,
    /// as far as the padded width reaches), not just the elements its taps read.
    /// </summary>
    public bool WholeRows { get; init; }

    /// <summary>
    /// With <see cref="InputResident"/>: the block's output channels are split over this many tasks, each of which copies
    /// the block's input again (and reads only its share of the weights).
    /// </summary>
    public int InputCopies { get; init; } = 1;

    /// <summary>
    /// Weight words per (output, input channel) pair when the weights are read transformed (Winograd F(2x2, 3x3): 16); 0 for
    /// the window's own taps. Only with <see cref="Depth"/> the whole depth.
    /// </summary>
    public int WeightsPerChannelPair { get; init; }

    /// <summary>Outputs land in a scratch buffer (a GEMM over several samples) and are read and written again to their place.</summary>
    public bool OutputsCopied { get; init; }

    /// <summary>The paper's dataflow (Sec. III): blocks of <paramref name="tile"/>, one input channel per slice, partial sums kept.</summary>
    public static ConvTiling Paper(ConvolutionShape shape, ConvTile tile) => new()
    {
        Name = "paper",
        Rectangle = tile with { Channels = Math.Min(tile.Channels, shape.OutPerGroup) },
        Channels = Math.Min(tile.Channels, shape.OutPerGroup),
        Depth = shape.Taps,
    };

    /// <summary>
    /// The words this dataflow moves for <paramref name="batch"/> samples: inputs, weights and partial sums loaded,
    /// outputs (and spilled partial sums) stored. Footprints are exact: an input counts once per load however many
    /// taps of the block read it, padding never.
    /// </summary>
    public ConvTraffic Traffic(ConvolutionShape shape, int batch)
    {
        if (!shape.IsValid || batch < 0 || Channels <= 0 || Depth <= 0 || (Rectangle is null && RunPositions <= 0))
        {
            throw new ArgumentException($"Tiling '{Name}' does not describe a dataflow of {shape}.");
        }

        // Blocks never straddle a unit of samples, and units are alike: count one unit and the remainder.
        var unit = Rectangle is { } r ? r.Samples : ChunkSamples;
        var counter = new FootprintCounter(shape);
        var whole = batch / unit;
        var traffic = whole > 0 ? Count(shape, unit, counter).Times(whole) : default;
        if (batch % unit != 0)
        {
            traffic += Count(shape, batch % unit, counter);
        }

        return traffic.Times(shape.Groups);
    }

    /// <summary>The blocks of one group for <paramref name="batch"/> samples, each as its row segments.</summary>
    public IEnumerable<IReadOnlyList<OutputSegment>> Blocks(ConvolutionShape shape, int batch)
    {
        if (Rectangle is { } tile)
        {
            for (var n0 = 0; n0 < batch; n0 += tile.Samples)
            {
                for (var oh0 = 0; oh0 < shape.OutHeight; oh0 += tile.Rows)
                {
                    for (var ow0 = 0; ow0 < shape.OutWidth; ow0 += tile.Columns)
                    {
                        var block = new List<OutputSegment>();
                        for (var n = n0; n < Math.Min(batch, n0 + tile.Samples); n++)
                        {
                            for (var oh = oh0; oh < Math.Min(shape.OutHeight, oh0 + tile.Rows); oh++)
                            {
                                block.Add(new OutputSegment(n, oh, ow0, Math.Min(shape.OutWidth, ow0 + tile.Columns)));
                            }
                        }

                        yield return block;
                    }
                }
            }

            yield break;
        }

        var ow = shape.OutWidth;
        for (var n0 = 0; n0 < batch; n0 += ChunkSamples)
        {
            long positions = (long)Math.Min(ChunkSamples, batch - n0) * shape.Positions;
            for (long q0 = 0; q0 < positions; q0 += RunPositions)
            {
                var block = new List<OutputSegment>();
                var q1 = Math.Min(positions, q0 + RunPositions);
                for (var q = q0; q < q1;)
                {
                    var n = (int)(q / shape.Positions);
                    var within = (int)(q % shape.Positions);
                    var oh = within / ow;
                    var start = within % ow;
                    var end = (int)Math.Min(ow, start + (q1 - q));
                    block.Add(new OutputSegment(n0 + n, oh, start, end));
                    q += end - start;
                }

                yield return block;
            }
        }
    }

    private ConvTraffic Count(ConvolutionShape shape, int batch, FootprintCounter counter)
    {
        var depth = shape.Depth;
        var slice = Math.Min(Depth, depth);
        var groupChannels = shape.OutPerGroup;
        var traffic = default(ConvTraffic);
        foreach (var block in Blocks(shape, batch))
        {
            long positions = 0;
            foreach (var s in block)
            {
                positions += s.Length;
            }

            if (InputResident)
            {
                traffic.InputLoads += InputCopies * (WholeRows ? counter.Rows(block) : counter.Count(block, 0, depth));
            }

            for (var k0 = 0; k0 < depth && DepthOutside && !InputResident; k0 += slice)
            {
                traffic.InputLoads += counter.Count(block, k0, Math.Min(depth, k0 + slice));
            }

            for (var m0 = 0; m0 < groupChannels; m0 += Channels)
            {
                var channels = Math.Min(Channels, groupChannels - m0);
                var rows = RoundUp(channels, ChannelRounding);
                for (var k0 = 0; k0 < depth; k0 += slice)
                {
                    var k1 = Math.Min(depth, k0 + slice);
                    if (!InputResident && !DepthOutside)
                    {
                        traffic.InputLoads += counter.Count(block, k0, k1);
                    }

                    traffic.WeightLoads += WeightsPerChannelPair > 0 ? (long)rows * ((k1 - k0) / shape.Taps) * WeightsPerChannelPair : (long)rows * (k1 - k0);
                    if (DepthOutside && k0 > 0)
                    {
                        traffic.OutputLoads += channels * positions;
                    }

                    if (DepthOutside || k1 == depth)
                    {
                        traffic.OutputStores += channels * positions;
                    }
                }
            }

            if (OutputsCopied && batch > 1)
            {
                traffic.OutputLoads += groupChannels * positions;
                traffic.OutputStores += groupChannels * positions;
            }
        }

        return traffic;
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>Distinct real inputs a block's positions read through a range of reduction rows, with one bitset row per input row.</summary>
    private sealed class FootprintCounter
    {
        private readonly ConvolutionShape _shape;
        private readonly ulong[] _bits;
        private readonly int _words;
        private readonly Dictionary<(int, int), long> _perChannel = new();

        public FootprintCounter(ConvolutionShape shape)
        {
            _shape = shape;
            _words = (shape.InWidth + 63) / 64;
            _bits = new ulong[shape.InHeight * _words];
        }

        /// <summary>Inputs read by rows [k0, k1) of the reduction (channel-major, then kh, then kw) for the block.</summary>
        public long Count(IReadOnlyList<OutputSegment> block, int k0, int k1)
        {
            var taps = _shape.Taps;
            long total = 0;
            var first = 0;
            while (first < block.Count)
            {
                // One sample at a time: its segments are consecutive in the block.
                var last = first;
                while (last < block.Count && block[last].Sample == block[first].Sample)
                {
                    last++;
                }

                _perChannel.Clear();
                for (var c = k0 / taps; c * taps < k1; c++)
                {
                    var t0 = Math.Max(k0, c * taps) - (c * taps);
                    var t1 = Math.Min(k1, (c + 1) * taps) - (c * taps);
                    if (!_perChannel.TryGetValue((t0, t1), out var n))
                    {
                        n = Distinct(block, first, last, t0, t1);
                        _perChannel[(t0, t1)] = n;
                    }

                    total += n;
                }

                first = last;
            }

            return total;
        }

        /// <summary>Inputs of the whole input rows the block's output rows read, every channel of the group.</summary>
        public long Rows(IReadOnlyList<OutputSegment> block)
        {
            var h = _shape.Height;
            var columns = Math.Min(_shape.InWidth, ((_shape.OutWidth - 1) * _shape.StrideWidth) + ((_shape.KernelWidth - 1) * _shape.DilationWidth) + 1 - _shape.PadLeft);
            long total = 0;
            var first = 0;
            while (first < block.Count)
            {
                int last = first, top = block[first].Row, bottom = block[first].Row;
                while (last < block.Count && block[last].Sample == block[first].Sample)
                {
                    top = Math.Min(top, block[last].Row);
                    bottom = Math.Max(bottom, block[last].Row);
                    last++;
                }

                var rows = Math.Min(h.Size, h.Input(bottom, h.Kernel - 1) + 1) - Math.Max(0, h.Input(top, 0));
                total += (long)Math.Max(0, rows) * Math.Max(0, columns) * _shape.InPerGroup;
                first = last;
            }

            return total;
        }

        private long Distinct(IReadOnlyList<OutputSegment> block, int first, int last, int t0, int t1)
        {
            Array.Clear(_bits, 0, _bits.Length);
            var h = _shape.Height;
            var w = _shape.Width;
            long count = 0;
            for (var s = first; s < last; s++)
            {
                var segment = block[s];
                for (var t = t0; t < t1; t++)
                {
                    var ih = h.Input(segment.Row, t / _shape.KernelWidth);
                    if (!h.Inside(ih))
                    {
                        continue;
                    }

                    var kw = t % _shape.KernelWidth;
                    for (var ow = segment.Start; ow < segment.End; ow++)
                    {
                        var iw = w.Input(ow, kw);
                        if (!w.Inside(iw))
                        {
                            continue;
                        }

                        ref var word = ref _bits[(ih * _words) + (iw >> 6)];
                        var bit = 1UL << (iw & 63);
                        if ((word & bit) == 0)
                        {
                            word |= bit;
                            count++;
                        }
                    }
                }
            }

            return count;
        }
    }
}

/// <summary>Output positions [<see cref="Start"/>, <see cref="End"/>) of row <see cref="Row"/> of sample <see cref="Sample"/>.</summary>
public readonly record struct OutputSegment(int Sample, int Row, int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>Words a dataflow moves between off-chip memory and the chip.</summary>
public record struct ConvTraffic(long InputLoads, long WeightLoads, long OutputLoads, long OutputStores)
{
    public readonly long Total => InputLoads + WeightLoads + OutputLoads + OutputStores;

    public readonly ConvTraffic Times(long n) => new(InputLoads * n, WeightLoads * n, OutputLoads * n, OutputStores * n);

    public static ConvTraffic operator +(ConvTraffic a, ConvTraffic b) =>
        new(a.InputLoads + b.InputLoads, a.WeightLoads + b.WeightLoads, a.OutputLoads + b.OutputLoads, a.OutputStores + b.OutputStores);
}
