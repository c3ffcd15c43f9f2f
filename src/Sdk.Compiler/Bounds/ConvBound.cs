using System;

namespace Sdk.Compiler;

/// <summary>
/// The least off-chip traffic of a convolution on a chip that holds <c>S</c> words on chip (Chen, Han and Wang,
/// "Communication Lower Bound in Convolution Accelerators", HPCA 2020, arXiv:1911.05662, Sec. III: the red-blue
/// pebble game bound and the dataflow that reaches it). Words are values (float32 here: 4 bytes), as pebbles are.
/// </summary>
/// <remarks>
/// <para>Traffic ≥ 2·MACs / √(R·S) with R = KH·KW / stride², the most outputs of one channel an input feeds through
/// the sliding window (the paper's condition: stride at most the kernel). The reasoning of Sec. III in one line: with
/// z output channels by P output positions of partial sums on chip (P·z ≤ S), one input channel costs P·stride²
/// inputs and KH·KW·z weights for P·z·KH·KW MACs; their ratio is best at P = R·z, which gives √(R·S)/2 MACs per
/// word moved.</para>
/// <para>What is ours, not the paper's: (1) MACs count only taps that read a real input (the paper ignores the
/// border; a bound on fewer MACs still holds); (2) a stride larger than the window gives R = 1 on that axis, and
/// dilation with a stride the most outputs any input feeds (<see cref="ConvAxis.Reuse"/>); (3) no dataflow moves
/// less than every used input and weight read once and every output written once, which is what the bound becomes
/// when S is large (the whole layer on chip). The paper's dataflow writes its outputs on top of the pebble term; as
/// a bound for every dataflow the outputs only count in (3): a kernel that keeps a block's inputs and weights on chip
/// and streams finished outputs out (the CPU backend's indirect convolutions on a small input) moves fewer than
/// pebble + outputs. Grouped convolutions are G independent convolutions: the MACs are the sum, R and S the same.</para>
/// </remarks>
public static class ConvBound
{
    /// <summary>The sliding window's reuse R (both axes).</summary>
    public static double Reuse(ConvolutionShape shape) => shape.Height.Reuse() * shape.Width.Reuse();

    /// <summary>Multiply-accumulates that read a real input (padding taps left out), for <paramref name="batch"/> samples.</summary>
    public static long Macs(ConvolutionShape shape, int batch) =>
        (long)batch * shape.OutChannels * shape.InPerGroup * shape.Height.RealTaps() * shape.Width.RealTaps();

    /// <summary>Loads no dataflow avoids: every input some output reads and every weight some real tap uses, once each.</summary>
    public static long CompulsoryLoads(ConvolutionShape shape, int batch) =>
        ((long)batch * shape.InChannels * shape.Height.UsedInputs() * shape.Width.UsedInputs()) +
        ((long)shape.OutChannels * shape.InPerGroup * shape.Height.UsedTaps() * shape.Width.UsedTaps());

    /// <summary>Every output written once.</summary>
    public static long Outputs(ConvolutionShape shape, int batch) => (long)batch * shape.OutChannels * shape.Positions;

    /// <summary>The bound's figures for <paramref name="batch"/> samples on a chip of <paramref name="words"/> words.</summary>
    public static ConvBoundFigures Of(ConvolutionShape shape, int batch, long words)
    {
        if (words <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(words), words, "On-chip memory must be positive.");
        }

        var reuse = Reuse(shape);
        var macs = Macs(shape, batch);
        var pebble = 2.0 * macs / Math.Sqrt(reuse * words);
        var compulsory = CompulsoryLoads(shape, batch);
        var outputs = Outputs(shape, batch);
        var total = Math.Max((long)Math.Ceiling(pebble), compulsory + outputs);
        return new ConvBoundFigures(words, reuse, macs, pebble, compulsory, outputs, total);
    }

    /// <summary>
    /// The tile of the paper's dataflow (Sec. III) that reaches the bound on <paramref name="words"/> words: z output
    /// channels by b·x·y output positions of partial sums, b·x·y = R·z and b·x·y·z ≈ S, streaming one input channel
    /// at a time; clipped to the layer (z ≤ M/G, positions ≤ batch·OH·OW).
    /// </summary>
    public static ConvTile OptimalTile(ConvolutionShape shape, int batch, long words)
    {
        var reuse = Reuse(shape);
        var channels = (int)Math.Max(1, Math.Min(shape.OutPerGroup, Math.Round(Math.Sqrt(words / reuse))));
        var positions = (int)Math.Max(1, Math.Min((long)batch * shape.Positions, words / channels));
        var columns = Math.Min(shape.OutWidth, positions);
        var rows = Math.Max(1, Math.Min(shape.OutHeight, positions / columns));
        var samples = Math.Max(1, Math.Min(batch, positions / (columns * rows)));
        return new ConvTile(samples, rows, columns, channels);
    }
}

/// <summary>The lower bound's terms for one convolution, a batch and an on-chip memory (all in words).</summary>
/// <param name="Words">The on-chip memory S.</param>
/// <param name="Reuse">R: how many outputs of a channel read each input through the window.</param>
/// <param name="Macs">MACs that read a real input.</param>
/// <param name="Pebble">2·MACs / √(R·S): the paper's term.</param>
/// <param name="CompulsoryLoads">Every used input and weight read once.</param>
/// <param name="Outputs">Every output written once.</param>
/// <param name="Total">The bound: max(pebble rounded up, compulsory loads + outputs).</param>
public sealed record ConvBoundFigures(long Words, double Reuse, long Macs, double Pebble, long CompulsoryLoads, long Outputs, long Total)
{
    /// <summary>True when the memory is large enough that moving everything once is the binding term.</summary>
    public bool CompulsoryBinds => CompulsoryLoads + Outputs >= Pebble;
}

/// <summary>A block of partial sums: <see cref="Samples"/> x <see cref="Rows"/> x <see cref="Columns"/> output positions by <see cref="Channels"/> output channels.</summary>
public readonly record struct ConvTile(int Samples, int Rows, int Columns, int Channels)
{
    public long Positions => (long)Samples * Rows * Columns;

    /// <summary>Words of partial sums the tile keeps on chip.</summary>
    public long Words => Positions * Channels;

    public override string ToString() =>
        $"{Channels} output channels x {(Samples > 1 ? $"{Samples} samples x " : string.Empty)}{Rows}x{Columns} output positions";
}
