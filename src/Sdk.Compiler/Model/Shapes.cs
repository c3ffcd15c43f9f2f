using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>Helpers over per-sample shapes (<c>[C, H, W]</c> or <c>[N]</c>) and the limits every size obeys.</summary>
public static class Shapes
{
    /// <summary>
    /// The most elements one tensor (per sample, or a parameter tensor) may have: the most a .NET float array
    /// holds (<c>Array.MaxLength</c>). The compiler refuses larger tensors, so every size it hands on fits an int.
    /// </summary>
    public const long MaxElements = 0x7FFFFFC7;

    /// <summary>The product of the dimensions, saturating at <see cref="long.MaxValue"/> instead of overflowing (-1 for a negative dimension).</summary>
    public static long Elements(IEnumerable<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n = SaturatingMultiply(n, d);
        }

        return n;
    }

    public static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Output size of a sliding window, floor((n + 2p - d(k-1) - 1) / s) + 1, in 64 bits (0 when the window does not fit).</summary>
    public static long Window(int n, int kernel, int stride, int padding, int dilation = 1)
    {
        var span = n + (2L * padding) - ((long)dilation * (kernel - 1L)) - 1;
        return span < 0 || stride <= 0 ? 0 : (span / stride) + 1;
    }

    /// <summary>
    /// a * b for non-negative numbers, or <see cref="long.MaxValue"/> when that overflows; -1 when either is
    /// negative (no size is negative: the compiler reports such a shape before counting anything).
    /// </summary>
    public static long SaturatingMultiply(long a, long b)
    {
        if (a < 0 || b < 0)
        {
            return -1;
        }

        return a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
    }

    /// <summary>a + b for non-negative numbers, or <see cref="long.MaxValue"/> when that overflows.</summary>
    public static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
