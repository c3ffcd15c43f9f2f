using System;

namespace Sdk.Placement.Internal;

/// <summary>Grows an <see cref="IdealLattice"/> one ideal at a time (each new ideal = a parent plus one unit).</summary>
internal sealed class IdealLatticeBuilder
{
    private readonly PlacementUnits units;
    private readonly int words;
    private readonly GrowableArray<double> cpuLatency = new();
    private readonly GrowableArray<double> acceleratorLatency = new();
    private readonly GrowableArray<double> size = new();
    private readonly GrowableArray<int> unsupportedCount = new();
    private readonly GrowableArray<double> minLatency = new();
    private readonly GrowableArray<double> cut = new();
    private readonly GrowableArray<int> boundaryStart = new();
    private readonly GrowableArray<int> boundary = new();
    private readonly GrowableArray<int> subChild = new();
    private readonly GrowableArray<int> subParent = new();
    private readonly int[] candidateStamp;
    private int stamp;
    private ulong[] bits;

    public IdealLatticeBuilder(PlacementUnits units)
    {
        this.units = units;
        words = units.Words;
        bits = new ulong[words * 64];
        candidateStamp = new int[units.Hyperedges.Count];
        boundaryStart.Add(0);
        cpuLatency.Add(0);
        acceleratorLatency.Add(0);
        size.Add(0);
        unsupportedCount.Add(0);
        minLatency.Add(0);
        cut.Add(0);
        boundaryStart.Add(0);
        Count = 1; // the empty ideal, id 0
    }

    public int Count { get; private set; }

    public int Words => words;

    /// <summary>Bitsets of the ideals so far (Words per ideal); the buffer may be replaced as it grows.</summary>
    public ulong[] Bits => bits;

    public bool Contains(int ideal, int unit) => (bits[(ideal * words) + (unit >> 6)] & (1UL << (unit & 63))) != 0;

    /// <summary>Adds parent + unit, whose bitset the caller already has in <paramref name="childBits"/>.</summary>
    public int AddChild(int parent, int unit, ulong[] childBits)
    {
        var id = Count;
        StoreBits(id, childBits);
        Count++;
        cpuLatency.Add(cpuLatency.Items[parent] + units.CpuLatency[unit]);
        acceleratorLatency.Add(acceleratorLatency.Items[parent] + units.AcceleratorLatency[unit]);
        size.Add(size.Items[parent] + units.Size[unit]);
        unsupportedCount.Add(unsupportedCount.Items[parent] + (units.Unsupported[unit] ? 1 : 0));
        minLatency.Add(minLatency.Items[parent] + units.MinLatency(unit));
        cut.Add(AddBoundary(id, parent, unit));
        return id;
    }

    /// <summary>Records that <paramref name="parent"/> is <paramref name="child"/> minus one maximal unit.</summary>
    public void AddSubEdge(int child, int parent)
    {
        subChild.Add(child);
        subParent.Add(parent);
    }

    public IdealLattice Build(int fullId)
    {
        var sums = new IdealSums(
            cpuLatency.ToArray(), acceleratorLatency.ToArray(), size.ToArray(), unsupportedCount.ToArray(), minLatency.ToArray(), cut.ToArray());
        var subStart = new int[Count + 1];
        for (var e = 0; e < subChild.Count; e++)
        {
            subStart[subChild.Items[e] + 1]++;
        }

        for (var i = 0; i < Count; i++)
        {
            subStart[i + 1] += subStart[i];
        }

        var sub = new int[subChild.Count];
        var fill = (int[])subStart.Clone();
        for (var e = 0; e < subChild.Count; e++)
        {
            sub[fill[subChild.Items[e]]++] = subParent.Items[e];
        }

        var exactBits = new ulong[Count * words];
        Array.Copy(bits, exactBits, exactBits.Length);
        return new IdealLattice(
            units, Count, exactBits, prefixEnd: null, sums, subStart, sub, boundaryStart.ToArray(), boundary.ToArray(), fullId);
    }

    private void StoreBits(int id, ulong[] childBits)
    {
        if ((id + 1) * words > bits.Length)
        {
            var larger = new ulong[bits.Length * 2];
            Array.Copy(bits, larger, id * words);
            bits = larger;
        }

        Array.Copy(childBits, 0, bits, id * words, words);
    }

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
