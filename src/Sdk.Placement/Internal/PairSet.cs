using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// A set of (int, int) pairs for deduplicating edges. long.GetHashCode xors the two halves, which sends every edge
/// i -> i+1 of a chain to a handful of buckets (quadratic on a 10^5-node chain); the keys here are mixed first.
/// </summary>
internal sealed class PairSet
{
    private readonly HashSet<long> pairs = new(new MixedKeys());

    /// <summary>True if the pair was not in the set yet.</summary>
    public bool Add(int first, int second) => pairs.Add(((long)first << 32) | (uint)second);

    private sealed class MixedKeys : IEqualityComparer<long>
    {
        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key)
        {
            var mixed = (ulong)key * 0x9E3779B97F4A7C15UL;
            return (int)(mixed >> 32);
        }
    }
}
