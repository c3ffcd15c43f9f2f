using System;

namespace Sdk.Runtime.Training;

/// <summary>
/// Dropout masks from a counter-based generator: element i of layer L at optimiser step s keeps its value when
/// <c>u(seed, s, L, i) ≥ rate</c>, u uniform in [0, 1) from SplitMix64. A mask is a pure function of (seed, step,
/// layer name, element), so it is the same on any chip split, any thread count, and after resuming a checkpoint.
/// </summary>
internal static class DropoutMask
{
    /// <summary>mask[i] = 0 (dropped) or 1 / (1 - rate) (kept, scaled).</summary>
    public static void Fill(Span<float> mask, double rate, int seed, long step, ulong layerKey)
    {
        var scale = (float)(1.0 / (1.0 - rate));
        var key = Mix(Mix(Mix((ulong)(uint)seed) ^ (ulong)step) ^ layerKey);
        for (var i = 0; i < mask.Length; i++)
        {
            // 24 random bits: u = k / 2^24 exactly representable, compared against the rate in double.
            var u = (Mix(key + ((ulong)i * 0x9E3779B97F4A7C15UL)) >> 40) * (1.0 / (1 << 24));
            mask[i] = u < rate ? 0f : scale;
        }
    }

    /// <summary>A stable 64-bit key of a layer name (FNV-1a, then mixed).</summary>
    public static ulong LayerKey(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in name)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        return Mix(hash);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
