using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler.Tests.Bounds;

/// <summary>
/// Runs a <see cref="ConvTiling"/>'s loop nest MAC by MAC over an explicit on-chip store and counts every word that
/// crosses: an input, weight or partial sum not on chip when a MAC needs it is loaded; partial sums are stored when
/// their step ends. It shares nothing with <see cref="ConvTiling.Traffic"/> but the tiling's parameters: it walks
/// its own blocks, addresses and residency rules, so the two agreeing checks the model's count.
/// </summary>
internal sealed class LoopNestSimulator
{
    private readonly ConvolutionShape _s;
    private readonly int _batch;
    private readonly HashSet<long> _inputs = new();
    private readonly HashSet<long> _weights = new();
    private readonly HashSet<long> _sums = new();
    private readonly HashSet<long> _spilled = new();
    private ConvTraffic _traffic;
    private long _peak;

    private LoopNestSimulator(ConvolutionShape shape, int batch)
    {
        _s = shape;
        _batch = batch;
    }

    /// <summary>The words moved and the most words on chip at once.</summary>
    public static (ConvTraffic Traffic, long PeakWords) Run(ConvTiling tiling, ConvolutionShape shape, int batch)
    {
        var sim = new LoopNestSimulator(shape, batch);
        for (var g = 0; g < shape.Groups; g++)
        {
            foreach (var (block, copied) in sim.Blocks(tiling))
            {
                sim.RunBlock(tiling, g, block, copied);
            }
        }

        return (sim._traffic, sim._peak);
    }

    /// <summary>
    /// Output positions as (sample, row, column), block by block, straight from the tiling's parameters; copied when the
    /// block's GEMM covers more than one sample and its outputs go through scratch.
    /// </summary>
    private IEnumerable<(List<(int N, int Oh, int Ow)> Block, bool Copied)> Blocks(ConvTiling t)
    {
        int oh = _s.OutHeight, ow = _s.OutWidth;
        if (t.Rectangle is { } r)
        {
            for (var n0 = 0; n0 < _batch; n0 += r.Samples)
            {
                for (var y0 = 0; y0 < oh; y0 += r.Rows)
                {
                    for (var x0 = 0; x0 < ow; x0 += r.Columns)
                    {
                        var block = new List<(int, int, int)>();
                        for (var n = n0; n < _batch && n < n0 + r.Samples; n++)
                        {
                            for (var y = y0; y < oh && y < y0 + r.Rows; y++)
                            {
                                for (var x = x0; x < ow && x < x0 + r.Columns; x++)
                                {
                                    block.Add((n, y, x));
                                }
                            }
                        }

                        yield return (block, false);
                    }
                }
            }

            yield break;
        }

        for (var n0 = 0; n0 < _batch; n0 += t.ChunkSamples)
        {
            var all = new List<(int, int, int)>();
            var samples = Math.Min(t.ChunkSamples, _batch - n0);
            for (var n = n0; n < n0 + samples; n++)
            {
                for (var q = 0; q < oh * ow; q++)
                {
                    all.Add((n, q / ow, q % ow));
                }
            }

            for (var i = 0; i < all.Count; i += t.RunPositions)
            {
                yield return (all.GetRange(i, Math.Min(t.RunPositions, all.Count - i)), t.OutputsCopied && samples > 1);
            }
        }
    }

    private void RunBlock(ConvTiling t, int g, List<(int N, int Oh, int Ow)> block, bool copied)
    {
        int mg = _s.OutPerGroup, depth = _s.Depth;
        var slice = Math.Min(t.Depth, depth);
        var chunks = new List<(int M0, int M1)>();
        for (var m0 = 0; m0 < mg; m0 += t.Channels)
        {
            chunks.Add((m0, Math.Min(mg, m0 + t.Channels)));
        }

        var slices = new List<(int K0, int K1)>();
        for (var k0 = 0; k0 < depth; k0 += slice)
        {
            slices.Add((k0, Math.Min(depth, k0 + slice)));
        }

        _inputs.Clear();
        if (t.WholeRows)
        {
            LoadRows(g, block);
        }

        if (t.DepthOutside)
        {
            foreach (var (k0, k1) in slices)
            {
                if (!t.InputResident)
                {
                    _inputs.Clear();
                }

                foreach (var (m0, m1) in chunks)
                {
                    Step(t, g, block, m0, m1, k0, k1);
                    StoreSums(spill: true);
                }
            }
        }
        else
        {
            foreach (var (m0, m1) in chunks)
            {
                foreach (var (k0, k1) in slices)
                {
                    if (!t.InputResident)
                    {
                        _inputs.Clear();
                    }

                    Step(t, g, block, m0, m1, k0, k1);
                }

                StoreSums(spill: false);
            }
        }

        if (copied)
        {
            // Outputs went to a scratch buffer: each is read back and written to its place.
            _traffic.OutputLoads += (long)block.Count * mg;
            _traffic.OutputStores += (long)block.Count * mg;
        }
    }

    /// <summary>The MACs of channels [m0, m1) and reduction rows [k0, k1) of the block; the weights of a step are its own.</summary>
    private void Step(ConvTiling t, int g, List<(int N, int Oh, int Ow)> block, int m0, int m1, int k0, int k1)
    {
        // The step streams its packed weight block: every row and tap, padding or not, and the zero rows that round
        // the channels up to the kernel's tile.
        _weights.Clear();
        var rounded = ((m1 - m0 + t.ChannelRounding - 1) / t.ChannelRounding) * t.ChannelRounding;
        for (var m = m0; m < m0 + rounded; m++)
        {
            for (var k = k0; k < k1; k++)
            {
                _weights.Add(WeightAddress(g, m, k));
                _traffic.WeightLoads++;
            }
        }

        var wholeDepth = k0 == 0 && k1 == _s.Depth;
        foreach (var (n, oh, ow) in block)
        {
            for (var m = m0; m < m1; m++)
            {
                for (var k = k0; k < k1; k++)
                {
                    Mac(g, n, oh, ow, m, k);
                }

                if (wholeDepth && !t.DepthOutside)
                {
                    // The whole reduction ran in registers: the output is finished and leaves at once.
                    StoreSums(spill: false);
                }
            }
        }

        _peak = Math.Max(_peak, _inputs.Count + _weights.Count + _sums.Count);
    }

    private void Mac(int g, int n, int oh, int ow, int m, int k)
    {
        var taps = _s.Taps;
        var c = k / taps;
        var kh = (k % taps) / _s.KernelWidth;
        var kw = k % _s.KernelWidth;
        var ih = (oh * _s.StrideHeight) - _s.PadTop + (kh * _s.DilationHeight);
        var iw = (ow * _s.StrideWidth) - _s.PadLeft + (kw * _s.DilationWidth);
        var sum = ((((long)n * _s.OutChannels) + (g * _s.OutPerGroup) + m) * _s.OutHeight + oh) * _s.OutWidth + ow;
        if (_sums.Add(sum) && _spilled.Contains(sum))
        {
            _traffic.OutputLoads++;
        }

        if (ih < 0 || ih >= _s.InHeight || iw < 0 || iw >= _s.InWidth)
        {
            return; // a padding tap: nothing to read
        }

        var input = ((((long)n * _s.InChannels) + (g * _s.InPerGroup) + c) * _s.InHeight + ih) * _s.InWidth + iw;
        if (_inputs.Add(input))
        {
            _traffic.InputLoads++;
        }

        if (!_weights.Contains(WeightAddress(g, m, k)))
        {
            throw new InvalidOperationException("A MAC used a weight its step did not load.");
        }

        _peak = Math.Max(_peak, _inputs.Count + _weights.Count + _sums.Count);
    }

    /// <summary>
    /// The block's input rows of each sample, copied as one span of rows (from the first row its top output row reads to
    /// the last its bottom one reads), as far as the padded width reaches, every channel of the group.
    /// </summary>
    private void LoadRows(int g, List<(int N, int Oh, int Ow)> block)
    {
        var paddedWidth = ((_s.OutWidth - 1) * _s.StrideWidth) + ((_s.KernelWidth - 1) * _s.DilationWidth) + 1;
        foreach (var n in block.Select(p => p.N).Distinct())
        {
            var top = block.Where(p => p.N == n).Min(p => p.Oh);
            var bottom = block.Where(p => p.N == n).Max(p => p.Oh);
            var first = (top * _s.StrideHeight) - _s.PadTop;
            var last = (bottom * _s.StrideHeight) - _s.PadTop + ((_s.KernelHeight - 1) * _s.DilationHeight);
            for (var ih = Math.Max(0, first); ih <= Math.Min(_s.InHeight - 1, last); ih++)
            {
                for (var iw = 0; iw < Math.Min(_s.InWidth, paddedWidth - _s.PadLeft); iw++)
                {
                    for (var c = 0; c < _s.InPerGroup; c++)
                    {
                        if (_inputs.Add(((((long)n * _s.InChannels) + (g * _s.InPerGroup) + c) * _s.InHeight + ih) * _s.InWidth + iw))
                        {
                            _traffic.InputLoads++;
                        }
                    }
                }
            }
        }
    }

    private long WeightAddress(int g, int m, int k) => (((long)g * _s.OutPerGroup) + m) * _s.Depth + k;

    private void StoreSums(bool spill)
    {
        _traffic.OutputStores += _sums.Count;
        if (spill)
        {
            _spilled.UnionWith(_sums);
        }

        _sums.Clear();
    }

}
