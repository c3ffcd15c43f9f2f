using System.Collections.Generic;
using System.Linq;

namespace Sdk.Generator.Analysis;

/// <summary>Small helpers over per-sample shapes (<c>[C, H, W]</c> or <c>[N]</c>).</summary>
internal static class Shapes
{
    public static long Elements(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }

    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    public static bool SameAs(IReadOnlyList<int> a, IReadOnlyList<int> b) => a.Count == b.Count && a.SequenceEqual(b);

    /// <summary>Output size of a sliding window: floor((n + 2p - d(k-1) - 1) / s) + 1.</summary>
    public static int Window(int n, int kernel, int stride, int padding, int dilation = 1)
    {
        var span = n + (2 * padding) - (dilation * (kernel - 1)) - 1;
        return span < 0 ? 0 : (span / stride) + 1;
    }
}
