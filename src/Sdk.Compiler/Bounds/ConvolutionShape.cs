using System;

namespace Sdk.Compiler;

/// <summary>
/// One convolution as the bound and the dataflow models see it: a sample's input <c>[C, H, W]</c>, the output
/// channels, the window (kernel, stride, padding, dilation per axis) and the groups. The layer kinds that are
/// convolutions make one (<see cref="LayerDefinition.Convolution"/>); the runtime's kernels describe theirs the
/// same way. Sizes are per sample; the models take the batch separately.
/// </summary>
public sealed record ConvolutionShape(
    int InChannels,
    int InHeight,
    int InWidth,
    int OutChannels,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight = 1,
    int StrideWidth = 1,
    int PadTop = 0,
    int PadLeft = 0,
    int PadBottom = 0,
    int PadRight = 0,
    int DilationHeight = 1,
    int DilationWidth = 1,
    int Groups = 1)
{
    /// <summary>A square window with the same stride, padding and dilation on both axes (what <c>[Conv2D]</c> declares).</summary>
    public static ConvolutionShape Square(int inChannels, int height, int width, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        new(inChannels, height, width, outChannels, kernel, kernel, stride, stride, padding, padding, padding, padding, dilation, dilation, groups);

    public int OutHeight => Height.Outputs;

    public int OutWidth => Width.Outputs;

    /// <summary>Input channels one output channel reads (C / G).</summary>
    public int InPerGroup => InChannels / Groups;

    /// <summary>Output channels of a group (M / G).</summary>
    public int OutPerGroup => OutChannels / Groups;

    public int Taps => KernelHeight * KernelWidth;

    /// <summary>The reduction depth of one output: (C / G)·KH·KW, the rows of the im2col matrix of a group.</summary>
    public int Depth => InPerGroup * Taps;

    /// <summary>Output positions of one sample, OH·OW.</summary>
    public int Positions => OutHeight * OutWidth;

    /// <summary>Weights of all groups: M·(C / G)·KH·KW.</summary>
    public long Weights => (long)OutChannels * Depth;

    public ConvAxis Height => new(InHeight, KernelHeight, StrideHeight, PadTop, PadBottom, DilationHeight);

    public ConvAxis Width => new(InWidth, KernelWidth, StrideWidth, PadLeft, PadRight, DilationWidth);

    /// <summary>Every size positive, the groups dividing both channel counts, and an output of at least one position.</summary>
    public bool IsValid =>
        InChannels > 0 && InHeight > 0 && InWidth > 0 && OutChannels > 0 && KernelHeight > 0 && KernelWidth > 0 &&
        StrideHeight > 0 && StrideWidth > 0 && DilationHeight > 0 && DilationWidth > 0 &&
        PadTop >= 0 && PadLeft >= 0 && PadBottom >= 0 && PadRight >= 0 &&
        Groups > 0 && InChannels % Groups == 0 && OutChannels % Groups == 0 && OutHeight > 0 && OutWidth > 0;

    /// <summary>"64→128, 3x3 /2, 16x16" (channels, window, stride when not 1, output map, groups when not 1).</summary>
    public override string ToString() =>
        $"{InChannels}→{OutChannels}, {KernelHeight}x{KernelWidth}" +
        (StrideHeight != 1 || StrideWidth != 1 ? $" /{(StrideHeight == StrideWidth ? StrideHeight.ToString() : $"{StrideHeight}x{StrideWidth}")}" : string.Empty) +
        $", {OutHeight}x{OutWidth}" + (Groups != 1 ? $", {Groups} groups" : string.Empty);
}

/// <summary>
/// One axis of a convolution's window: input size, kernel, stride, padding before and after, dilation. Output
/// <c>o</c> and tap <c>k</c> read input <c>o·stride − before + k·dilation</c>, when that is inside the input.
/// </summary>
public readonly struct ConvAxis
{
    public ConvAxis(int size, int kernel, int stride, int before, int after, int dilation)
    {
        Size = size;
        Kernel = kernel;
        Stride = stride;
        Before = before;
        After = after;
        Dilation = dilation;
    }

    public int Size { get; }

    public int Kernel { get; }

    public int Stride { get; }

    public int Before { get; }

    public int After { get; }

    public int Dilation { get; }

    public int Outputs => Stride <= 0 ? 0 : (int)Math.Max(0, ((Size + (long)Before + After - ((long)Dilation * (Kernel - 1)) - 1) / Stride) + 1);

    /// <summary>The input index output <paramref name="o"/>'s tap <paramref name="k"/> reads; outside [0, Size) it is padding.</summary>
    public int Input(int o, int k) => (o * Stride) - Before + (k * Dilation);

    public bool Inside(int i) => i >= 0 && i < Size;

    /// <summary>Taps that read a real input (not padding), summed over the outputs.</summary>
    public long RealTaps()
    {
        long n = 0;
        for (var o = 0; o < Outputs; o++)
        {
            for (var k = 0; k < Kernel; k++)
            {
                n += Inside(Input(o, k)) ? 1 : 0;
            }
        }

        return n;
    }

    /// <summary>Inputs some output reads (a stride larger than the window skips some).</summary>
    public int UsedInputs()
    {
        var used = new bool[Size];
        for (var o = 0; o < Outputs; o++)
        {
            for (var k = 0; k < Kernel; k++)
            {
                var i = Input(o, k);
                if (Inside(i))
                {
                    used[i] = true;
                }
            }
        }

        return Array.FindAll(used, u => u).Length;
    }

    /// <summary>Taps that read a real input for some output (a 3-wide window over a 1-wide padded map uses only its middle).</summary>
    public int UsedTaps()
    {
        var n = 0;
        for (var k = 0; k < Kernel; k++)
        {
            var used = false;
            for (var o = 0; o < Outputs && !used; o++)
            {
                used = Inside(Input(o, k));
            }

            n += used ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// How many outputs of one channel read an input along this axis: kernel / stride when the stride is at most
    /// the window (Chen et al.'s R = KH·KW / stride² is the product of the two axes); 1 when the stride is larger
    /// (the windows do not overlap, and the inputs between them are never read). With dilation and a stride both
    /// above 1 the windows interleave, and the most outputs any input feeds is counted instead, a bound that holds
    /// for every input.
    /// </summary>
    public double Reuse()
    {
        if (Dilation == 1 || Stride == 1)
        {
            return (double)Kernel / Math.Min(Stride, Kernel);
        }

        var most = 0;
        for (var residue = 0; residue < Stride; residue++)
        {
            var n = 0;
            for (var k = 0; k < Kernel; k++)
            {
                n += (k * Dilation) % Stride == residue ? 1 : 0;
            }

            most = Math.Max(most, n);
        }

        return most;
    }
}
