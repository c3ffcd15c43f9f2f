using System;

namespace Sdk.Placement.Internal;

/// <summary>Why an enumeration or DP stopped before the end.</summary>
internal enum EffortLimit
{
    None,
    TooManyIdeals,
    TimeLimit,
}

/// <summary>
/// Breadth-first search over ideals from the empty set: an ideal grows by any addable unit (not in it, all
/// predecessors in it). A hash table of bitsets finds ideals reached along several paths; FIFO order makes ids
/// grow with size. Each ideal keeps its addable set, derived from its first parent's: cost per ideal is
/// proportional to its addable units, not to the size of the graph.
/// </summary>
internal static class IdealEnumerator
{
    /// <param name="units">The DAG.</param>
    /// <param name="maxIdeals">Stop (and return null) rather than store more ideals than this.</param>
    /// <param name="outOfTime">Polled now and then; true stops the search (null is returned).</param>
    /// <param name="limit">Why the search stopped early, if it did.</param>
    /// <param name="found">Ideals found; when over budget, a lower bound on their number.</param>
    public static IdealLattice? Enumerate(PlacementUnits units, long maxIdeals, Func<bool> outOfTime, out EffortLimit limit, out long found)
    {
        limit = EffortLimit.None;
        var atLeast = IdealsAtLeast(units);
        if (atLeast > maxIdeals)
        {
            limit = EffortLimit.TooManyIdeals;
            found = atLeast;
            return null;
        }

        var words = units.Words;
        var builder = new IdealLatticeBuilder(units);
        var table = new IdealTable(builder);
        table.Add(0);
        var addable = new GrowableArray<ulong>(words * 64);
        AddSources(units, addable);
        var child = new ulong[words];
        for (var ideal = 0; ideal < builder.Count; ideal++)
        {
            found = builder.Count;
            if ((ideal & 255) == 0 && outOfTime())
            {
                limit = EffortLimit.TimeLimit;
                return null;
            }

            for (var w = 0; w < words; w++)
            {
                for (var word = addable.Items[(ideal * words) + w]; word != 0; word &= word - 1)
                {
                    var unit = (w << 6) + Bits.LowestSetBit(word);
                    Array.Copy(builder.Bits, ideal * words, child, 0, words);
                    child[unit >> 6] |= 1UL << (unit & 63);
                    var id = table.Find(child);
                    if (id < 0)
                    {
                        if (builder.Count >= maxIdeals)
                        {
                            limit = EffortLimit.TooManyIdeals;
                            found = builder.Count;
                            return null;
                        }

                        id = builder.AddChild(ideal, unit, child);
                        table.Add(id);
                        AddAddable(units, addable, ideal, unit, child);
                    }

                    builder.AddSubEdge(id, ideal);
                }
            }
        }

        found = builder.Count;
        return builder.Build(fullId: builder.Count - 1); // the largest ideal is found last
    }

    /// <summary>
    /// The chain of prefixes of the topological unit order, every <paramref name="blockSize"/> units: the linearised
    /// problem (block size 1), or a coarse version of it that is cheap to solve for a first upper bound.
    /// </summary>
    public static IdealLattice Chain(PlacementUnits units, int blockSize = 1)
    {
        var count = 1 + ((units.Count + blockSize - 1) / blockSize);
        var prefixEnd = new int[count];
        double[] cpu = new double[count], accelerator = new double[count], size = new double[count], minLatency = new double[count];
        var unsupported = new int[count];
        var subStart = new int[count + 1];
        var sub = new int[count - 1];
        var cut = new double[count];
        var sweep = new CutSweep(units.Hyperedges);
        for (var id = 1; id < count; id++)
        {
            prefixEnd[id] = Math.Min(id * blockSize, units.Count);
            cpu[id] = cpu[id - 1];
            accelerator[id] = accelerator[id - 1];
            size[id] = size[id - 1];
            minLatency[id] = minLatency[id - 1];
            unsupported[id] = unsupported[id - 1];
            for (var unit = prefixEnd[id - 1]; unit < prefixEnd[id]; unit++)
            {
                cpu[id] += units.CpuLatency[unit];
                accelerator[id] += units.AcceleratorLatency[unit];
                size[id] += units.Size[unit];
                minLatency[id] += units.MinLatency(unit);
                unsupported[id] += units.Unsupported[unit] ? 1 : 0;
                sweep.Add(unit);
            }

            cut[id] = sweep.Cut;
            sub[id - 1] = id - 1;
            subStart[id + 1] = id;
        }

        // No boundaries: along a chain the DP counts communication incrementally instead.
        var sums = new IdealSums(cpu, accelerator, size, unsupported, minLatency, cut);
        return new IdealLattice(units, count, bits: null, prefixEnd, sums, subStart, sub, new int[count + 1], new int[0], fullId: count - 1);
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

    // Addable units of the empty ideal: the sources.
    private static void AddSources(PlacementUnits units, GrowableArray<ulong> addable)
    {
        var words = units.Words;
        var sources = new ulong[words];
        var empty = new ulong[words];
        for (var unit = 0; unit < units.Count; unit++)
        {
            if (PredecessorsInside(units, unit, empty))
            {
                sources[unit >> 6] |= 1UL << (unit & 63);
            }
        }

        foreach (var word in sources)
        {
            addable.Add(word);
        }
    }

    // addable(parent + unit) = addable(parent) - unit + successors of unit whose predecessors are all inside now.
    private static void AddAddable(PlacementUnits units, GrowableArray<ulong> addable, int parent, int unit, ulong[] child)
    {
        var words = units.Words;
        var start = addable.Count;
        for (var w = 0; w < words; w++)
        {
            addable.Add(addable.Items[(parent * words) + w]);
        }

        addable.Items[start + (unit >> 6)] &= ~(1UL << (unit & 63));
        foreach (var successor in units.Successors[unit])
        {
            if (PredecessorsInside(units, successor, child))
            {
                addable.Items[start + (successor >> 6)] |= 1UL << (successor & 63);
            }
        }
    }

    private static bool PredecessorsInside(PlacementUnits units, int unit, ulong[] ideal)
    {
        var words = units.Words;
        for (var w = 0; w < words; w++)
        {
            if ((units.PredecessorMasks[(unit * words) + w] & ~ideal[w]) != 0)
            {
                return false;
            }
        }

        return true;
    }
}
