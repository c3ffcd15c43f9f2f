using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// The unit DAG as a series composition: a unit comparable with every other unit (all earlier units are its
/// ancestors, all later ones its descendants) splits it, and so does the prefix just before such a unit. Every ideal
/// then is a whole prefix of blocks plus an ideal of one block, so the ideals can be enumerated block by block with
/// bitsets over one block: a long ResNet-like graph has about (ideals of a block) x (blocks) of them, in small
/// bitsets. A total order is the case where every block is one unit. Blocks are contiguous in the unit order.
/// </summary>
internal sealed class SeriesBlocks
{
    private SeriesBlocks(int[] start, int unitCount)
    {
        Start = start;
        Count = start.Length - 1;
        BlockOfUnit = new int[unitCount];
        for (var b = 0; b < Count; b++)
        {
            for (var u = start[b]; u < start[b + 1]; u++)
            {
                BlockOfUnit[u] = b;
            }
        }
    }

    public int Count { get; }

    /// <summary>Block b holds the units Start[b]..Start[b+1]-1; Start[Count] is the unit count.</summary>
    public int[] Start { get; }

    public int[] BlockOfUnit { get; }

    /// <summary>Every unit is comparable with every other: the DAG's only topological order is 0..n-1.</summary>
    public bool IsTotalOrder => Count == Start[Count];

    public int Size(int block) => Start[block + 1] - Start[block];

    /// <summary>
    /// Whether the ideal made of every block before <paramref name="block"/> plus the block's units set in the bitset
    /// at <paramref name="bits"/>[<paramref name="offset"/>..] holds <paramref name="unit"/>.
    /// </summary>
    public bool Contains(int block, ulong[] bits, long offset, int unit)
    {
        var local = unit - Start[block];
        return local < 0
            || (block < Count && local < Size(block) && (bits[offset + (local >> 6)] & (1UL << (local & 63))) != 0);
    }

    public int LargestBlock()
    {
        var largest = 0;
        for (var b = 0; b < Count; b++)
        {
            largest = Size(b) > largest ? Size(b) : largest;
        }

        return largest;
    }

    /// <summary>
    /// Unit q (units are in topological order) is comparable with all iff the prefix 0..q has the single maximal
    /// element q and the suffix q..n-1 the single minimal element q: a unique maximal element lies above everything.
    /// Counting maximal elements of the growing prefix (and minimal ones of the growing suffix) is linear.
    /// </summary>
    public static SeriesBlocks Find(PlacementUnits units)
    {
        var n = units.Count;
        var topOfPrefix = SingleExtreme(n, units.Predecessors, forward: true);
        var bottomOfSuffix = SingleExtreme(n, units.Successors, forward: false);
        var start = new List<int> { 0 };
        for (var q = 0; q < n; q++)
        {
            if (!topOfPrefix[q] || !bottomOfSuffix[q])
            {
                continue;
            }

            if (start[start.Count - 1] != q)
            {
                start.Add(q); // closes the block of units between the previous split and q
            }

            start.Add(q + 1); // q alone
        }

        if (start[start.Count - 1] != n)
        {
            start.Add(n);
        }

        return new SeriesBlocks(start.ToArray(), n);
    }

    // forward: whether 0..q has q as its only maximal element (links = predecessors); backward: whether q..n-1
    // has q as its only minimal element (links = successors).
    private static bool[] SingleExtreme(int n, int[][] links, bool forward)
    {
        var single = new bool[n];
        var covered = new bool[n]; // has a link inside the growing set, so it is not extreme any more
        var extremes = 0;
        for (var i = 0; i < n; i++)
        {
            var q = forward ? i : n - 1 - i;
            extremes++;
            foreach (var other in links[q])
            {
                if (!covered[other])
                {
                    covered[other] = true;
                    extremes--;
                }
            }

            single[q] = extremes == 1;
        }

        return single;
    }
}
