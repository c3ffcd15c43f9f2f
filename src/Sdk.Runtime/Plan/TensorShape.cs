using System.Collections.Generic;

namespace Sdk.Runtime;

/// <summary>Helpers over per-sample shapes.</summary>
public static class TensorShape
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
}
