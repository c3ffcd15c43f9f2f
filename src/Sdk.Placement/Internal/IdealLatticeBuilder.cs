using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>Grows an <see cref="IdealLattice"/> one ideal at a time: a block's prefix, then parent + one unit.</summary>
internal sealed class IdealLatticeBuilder
{
    private readonly PlacementUnits units;
    private readonly SeriesBlocks blocks;
    private readonly GrowableArray<int> blockOf = new();
    private readonly GrowableArray<ulong> bits = new();
    private readonly IdealSums sums = new();
    private readonly GrowableArray<double> cut = new();
    private readonly GrowableArray<int> boundaryStart = new();
    private readonly GrowableArray<int> boundary = new();
    private readonly int[] candidateStamp;
    private int stamp;

    public IdealLatticeBuilder(PlacementUnits units, SeriesBlocks blocks, int words)
    {
        this.units = units;
        this.blocks = blocks;
        Words = words;
        candidateStamp = new int[units.Hyperedges.Count];
        boundaryStart.Add(0);
    }

    public int Count => blockOf.Count;

    public int Words { get; }

    /// <summary>Bitsets so far (Words per ideal); the buffer may be replaced as it grows.</summary>
    public ulong[] Bits => bits.Items;

    /// <summary>Hyperedge entries stored so far over all boundaries.</summary>
    public int BoundaryEntries => boundary.Count;

    public IdealSums Sums => sums;

    /// <summary>Adds the prefix of every block before <paramref name="block"/>, which cuts exactly <paramref name="open"/>.</summary>
    public int AddBlockStart(int block, WorkSums prefix, List<int> open)
    {
        blockOf.Add(block);
        for (var w = 0; w < Words; w++)
        {
            bits.Add(0);
        }

        sums.Add(prefix);
        var total = 0.0;
        foreach (var h in open)
        {
            boundary.Add(h);
            total += units.Hyperedges.Cost[h];
        }

        cut.Add(total);
        boundaryStart.Add(boundary.Count);
        return Count - 1;
    }

    /// <summary>Adds parent + unit (same block), whose local bits the caller has in <paramref name="childBits"/>.</summary>
    public int AddChild(int parent, int unit, ulong[] childBits)
    {
        var id = Count;
        blockOf.Add(blockOf.Items[parent]);
        for (var w = 0; w < Words; w++)
        {
            bits.Add(childBits[w]);
        }

        sums.Add(sums[parent] + WorkSums.Of(units, unit));
        cut.Add(AddBoundary(id, parent, unit));
        return id;
    }

    public IdealLattice Build() => new(
        units, blocks, Words, blockOf.ToArray(), bits.ToArray(), sums, cut.ToArray(), boundaryStart.ToArray(), boundary.ToArray());

    private bool Contains(int ideal, int unit) => blocks.Contains(blockOf.Items[ideal], bits.Items, (long)ideal * Words, unit);

    // Only hyperedges the parent cuts or that contain the new unit can change status.
    private double AddBoundary(int id, int parent, int unit)
    {
        var hyperedges = units.Hyperedges;
        stamp++;
        var total = 0.0;
        for (var b = boundaryStart.Items[parent]; b < boundaryStart.Items[parent + 1]; b++)
        {
            total += KeepIfCut(id, boundary.Items[b]);
        }

        for (var i = hyperedges.OfUnitStart[unit]; i < hyperedges.OfUnitStart[unit + 1]; i++)
        {
            total += KeepIfCut(id, hyperedges.OfUnit[i]);
        }

        boundaryStart.Add(boundary.Count);
        return total;
    }

    private double KeepIfCut(int id, int h)
    {
        if (candidateStamp[h] == stamp)
        {
            return 0;
        }

        candidateStamp[h] = stamp;
        var hyperedges = units.Hyperedges;
        bool inside = false, outside = false;
        for (var i = hyperedges.Start[h]; i < hyperedges.Start[h + 1]; i++)
        {
            if (Contains(id, hyperedges.Members[i]))
            {
                inside = true;
            }
            else
            {
                outside = true;
            }

            if (inside && outside)
            {
                break; // settled; matters for nodes with a huge fan-out
            }
        }

        if (!inside || !outside)
        {
            return 0;
        }

        boundary.Add(h);
        return hyperedges.Cost[h];
    }
}
