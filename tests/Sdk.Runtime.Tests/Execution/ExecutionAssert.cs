using System;
using System.Linq;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>Helpers shared by the execution tests.</summary>
internal static class ExecutionAssert
{
    /// <summary>Max |a - e| / max(|e|): the error relative to the largest expected magnitude.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0, scale = 1e-30;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return worst / scale;
    }

    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance)
    {
        var error = RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"relative error {error:E3} above {tolerance:E1}");
        Assert.DoesNotContain(actual.ToArray(), float.IsNaN);
    }

    /// <summary>A deterministic input in [-1, 1].</summary>
    public static float[] Input(int length, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
    }

    /// <summary>Gives BatchNorm layers non-trivial running statistics and affine parameters.</summary>
    public static void RandomiseBatchNorms(ParameterSet parameters, int seed = 7)
    {
        var random = new Random(seed);
        foreach (var p in parameters.Tensors)
        {
            var data = parameters[p.Name];
            if (p.Name.EndsWith(".running_var", StringComparison.Ordinal))
            {
                for (var i = 0; i < data.Length; i++) data[i] = 0.5f + random.NextSingle();
            }
            else if (p.Name.EndsWith(".running_mean", StringComparison.Ordinal))
            {
                for (var i = 0; i < data.Length; i++) data[i] = (random.NextSingle() - 0.5f) * 0.4f;
            }
            else if (parameters.Plan.Layers.Any(l => l.Kind == LayerKind.BatchNorm && p.Name.StartsWith(l.Name + ".", StringComparison.Ordinal)))
            {
                for (var i = 0; i < data.Length; i++) data[i] = p.Name.EndsWith(".weight", StringComparison.Ordinal) ? 0.5f + random.NextSingle() : (random.NextSingle() - 0.5f) * 0.2f;
            }
        }
    }

    /// <summary>Copies every parameter of <paramref name="from"/> into <paramref name="to"/>, renaming with <paramref name="rename"/>.</summary>
    public static void CopyParameters(ParameterSet from, ParameterSet to, Func<string, string>? rename = null)
    {
        foreach (var p in from.Tensors)
        {
            var name = rename?.Invoke(p.Name) ?? p.Name;
            from[p.Name].CopyTo(to[name], 0);
        }
    }
}
