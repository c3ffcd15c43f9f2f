using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// Enumerates the ideals block by block (see <see cref="SeriesBlocks"/>): each block's prefix, then a breadth-first
/// search from it in which an ideal grows by any addable unit of the block (all its predecessors inside). A hash
/// table of the block's bitsets finds ideals reached along several paths; FIFO order makes ids grow with size. The
/// whole block is left out: it is the next block's prefix. Each ideal keeps its addable set, derived from its first
/// parent's, so the cost per ideal is proportional to its addable units, not to the size of the graph.
/// </summary>
internal static class IdealEnumerator
{
    /// <summary>Boundaries of all ideals together (hyperedges they cut) stay below this many entries (128 MB).</summary>
    private const int MaxBoundaryEntries = 1 << 25;

    /// <param name="units">The DAG.</param>
    /// <param name="blocks">Its series blocks.</param>
    /// <param name="maxIdeals">Stop (and return null) rather than store more ideals than this.</param>
    /// <param name="effort">Polled now and then; its stop signal ends the search (null is returned).</param>
    /// <param name="limit">Why the search stopped early, if it did.</param>
    /// <param name="found">Ideals found; when over budget, a lower bound on their number.</param>
    public static IdealLattice? Enumerate(
        PlacementUnits units, SeriesBlocks blocks, long maxIdeals, Effort effort, out EffortLimit limit, out long found)
    {
        limit = EffortLimit.None;
        found = IdealsAtLeast(units);
        if (found > maxIdeals)
        {
            limit = EffortLimit.TooManyIdeals;
            return null;
        }

        var words = Math.Max(1, (blocks.LargestBlock() + 63) / 64);
        var builder = new IdealLatticeBuilder(units, blocks, words);
        var open = new OpenHyperedges(units.Hyperedges, units.Count);
        var prefix = default(WorkSums);
        for (var b = 0; b <= blocks.Count; b++)
        {
            builder.AddBlockStart(b, prefix, open.At(blocks.Start[b]));
            if (b < blocks.Count)
            {
                limit = EnumerateBlock(units, blocks, b, builder, maxIdeals, effort);
                if (limit != EffortLimit.None)
                {
                    found = Math.Max(found, builder.Count);
                    return null;
                }

                for (var u = blocks.Start[b]; u < blocks.Start[b + 1]; u++)
                {
                    prefix += WorkSums.Of(units, u);
                }
            }
        }

        found = builder.Count;
        return builder.Build();
    }

    private static EffortLimit EnumerateBlock(PlacementUnits units, SeriesBlocks blocks, int block, IdealLatticeBuilder builder, long maxIdeals, Effort effort)
    {
        int start = blocks.Start[block], size = blocks.Size(block), words = builder.Words;
        var predecessors = LocalPredecessors(units, start, size, words);
        var full = new ulong[words];
        for (var i = 0; i < size; i++)
        {
            full[i >> 6] |= 1UL << (i & 63);
        }

        var first = builder.Count - 1; // the block's prefix, just added
        var table = new IdealTable(builder);
        table.Add(first);
        var addable = new GrowableArray<ulong>(words * 4);
        var child = new ulong[words];
        for (var w = 0; w < words; w++)
        {
            addable.Add(0);
        }

        for (var i = 0; i < size; i++)
        {
            if (IsSubset(predecessors, i * words, child, words)) // child is still all zeros: the block's sources
            {
                addable.Items[i >> 6] |= 1UL << (i & 63);
            }
        }

        for (var ideal = first; ideal < builder.Count; ideal++)
        {
            if (((ideal - first) & 255) == 0 && effort.OutOfTime())
            {
                return effort.Limit;
            }

            var row = (ideal - first) * words;
            for (var w = 0; w < words; w++)
            {
                for (var word = addable.Items[row + w]; word != 0; word &= word - 1)
                {
                    var local = (w << 6) + Bits.LowestSetBit(word);
                    Array.Copy(builder.Bits, (long)ideal * words, child, 0, words);
                    child[local >> 6] |= 1UL << (local & 63);
                    if (SameBits(child, full, words) || table.Find(child) >= 0)
                    {
                        continue; // the whole block is the next block's prefix
                    }

                    if (builder.Count >= maxIdeals || builder.BoundaryEntries > MaxBoundaryEntries)
                    {
                        return EffortLimit.TooManyIdeals;
                    }

                    table.Add(builder.AddChild(ideal, start + local, child));
                    AddAddable(units, start, size, predecessors, addable, row, local, child, words);
                }
            }
        }

        return EffortLimit.None;
    }

    // Predecessors of each unit of the block inside the block, as local bitsets (those before the block are in every
    // ideal of it).
    private static ulong[] LocalPredecessors(PlacementUnits units, int start, int size, int words)
    {
        var masks = new ulong[size * words];
        for (var i = 0; i < size; i++)
        {
            foreach (var p in units.Predecessors[start + i])
            {
                if (p >= start)
                {
                    masks[(i * words) + ((p - start) >> 6)] |= 1UL << ((p - start) & 63);
                }
            }
        }

        return masks;
    }

    // addable(parent + unit) = addable(parent) - unit + successors of unit in the block whose predecessors are all inside now.
    private static void AddAddable(
        PlacementUnits units, int start, int size, ulong[] predecessors, GrowableArray<ulong> addable, int parentRow, int local, ulong[] child, int words)
    {
        var row = addable.Count;
        for (var w = 0; w < words; w++)
        {
            addable.Add(addable.Items[parentRow + w]);
        }

        addable.Items[row + (local >> 6)] &= ~(1UL << (local & 63));
        foreach (var successor in units.Successors[start + local])
        {
            var s = successor - start;
            if (s < size && IsSubset(predecessors, s * words, child, words))
            {
                addable.Items[row + (s >> 6)] |= 1UL << (s & 63);
            }
        }
    }

    private static bool IsSubset(ulong[] sets, int offset, ulong[] of, int words)
    {
        for (var w = 0; w < words; w++)
        {
            if ((sets[offset + w] & ~of[w]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameBits(ulong[] a, ulong[] b, int words)
    {
        for (var w = 0; w < words; w++)
        {
            if (a[w] != b[w])
            {
                return false;
            }
        }

        return true;
    }

    // Units at the same depth (longest path from a source) form an antichain, and any subset of an antichain
    // spans its own ideal: 2^(widest level) ideals at least. Lets a wide DAG give up before enumerating.
    private static long IdealsAtLeast(PlacementUnits units)
    {
        var depth = new int[units.Count];
        var widthAtDepth = new int[units.Count + 1];
        var widest = 0;
        for (var unit = 0; unit < units.Count; unit++) // units are in topological order
        {
            foreach (var successor in units.Successors[unit])
            {
                depth[successor] = Math.Max(depth[successor], depth[unit] + 1);
            }

            widest = Math.Max(widest, ++widthAtDepth[depth[unit]]);
        }

        return widest >= 62 ? long.MaxValue : 1L << widest;
    }

    /// <summary>The hyperedges cut by each prefix 0..start-1 of the unit order, for starts that only grow.</summary>
    private sealed class OpenHyperedges
    {
        private readonly UnitHypergraph hyperedges;
        private readonly int[][] startingAt;
        private readonly List<int> open = new();
        private int reached;

        public OpenHyperedges(UnitHypergraph hyperedges, int unitCount)
        {
            this.hyperedges = hyperedges;
            var byLowest = new Grouping(hyperedges.Count);
            for (var h = 0; h < hyperedges.Count; h++)
            {
                byLowest.Add(hyperedges.Members[hyperedges.Start[h]], h); // members are sorted: the first is the lowest
            }

            startingAt = byLowest.ToArrays(unitCount + 1);
        }

        /// <summary>Hyperedges with a member before <paramref name="start"/> and one at or after it.</summary>
        public List<int> At(int start)
        {
            for (; reached < start; reached++)
            {
                open.AddRange(startingAt[reached]);
            }

            open.RemoveAll(h => hyperedges.Members[hyperedges.Start[h + 1] - 1] < start);
            return open;
        }
    }
}
