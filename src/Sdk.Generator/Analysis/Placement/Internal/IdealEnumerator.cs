using System;

namespace Sdk.Generator.Analysis.Placement.Internal;

/// <summary>Why an enumeration or DP stopped before the end.</summary>
internal enum EffortLimit
{
    None,
    TooManyIdeals,
    TimeLimit,
}

/// <summary>
/// Breadth-first search over ideals from the empty set: an ideal grows by any unit whose predecessors it already
/// holds. A hash table of bitsets finds ideals reached along several paths; FIFO order makes ids grow with size.
/// </summary>
internal static class IdealEnumerator
{
    public static IdealLattice? Enumerate(PlacementUnits units, long maxIdeals, Func<bool> outOfTime, out EffortLimit limit)
    {
        limit = EffortLimit.None;
        var builder = new IdealLatticeBuilder(units);
        var table = new IdealTable(builder);
        table.Add(0);
        var words = units.Words;
        var child = new ulong[words];
        for (var ideal = 0; ideal < builder.Count; ideal++)
        {
            if ((ideal & 255) == 0 && outOfTime())
            {
                limit = EffortLimit.TimeLimit;
                return null;
            }

            for (var unit = 0; unit < units.Count; unit++)
            {
                if (builder.Contains(ideal, unit) || !PredecessorsInside(units, builder.Bits, ideal, unit))
                {
                    continue;
                }

                Array.Copy(builder.Bits, ideal * words, child, 0, words);
                child[unit >> 6] |= 1UL << (unit & 63);
                var id = table.Find(child);
                if (id < 0)
                {
                    if (builder.Count >= maxIdeals)
                    {
                        limit = EffortLimit.TooManyIdeals;
                        return null;
                    }

                    id = builder.AddChild(ideal, unit, child);
                    table.Add(id);
                }

                builder.AddSubEdge(id, ideal);
            }
        }

        return builder.Build(fullId: builder.Count - 1); // the largest ideal is found last
    }

    /// <summary>The chain of prefixes 0..i of the topological unit order: the linearised problem.</summary>
    public static IdealLattice Chain(PlacementUnits units)
    {
        var builder = new IdealLatticeBuilder(units);
        var child = new ulong[units.Words];
        for (var unit = 0; unit < units.Count; unit++)
        {
            child[unit >> 6] |= 1UL << (unit & 63);
            var id = builder.AddChild(unit, unit, child);
            builder.AddSubEdge(id, unit);
        }

        return builder.Build(fullId: units.Count);
    }

    private static bool PredecessorsInside(PlacementUnits units, ulong[] bits, int ideal, int unit)
    {
        var words = units.Words;
        var predecessors = units.PredecessorMasks;
        for (var w = 0; w < words; w++)
        {
            if ((predecessors[(unit * words) + w] & ~bits[(ideal * words) + w]) != 0)
            {
                return false;
            }
        }

        return true;
    }
}
