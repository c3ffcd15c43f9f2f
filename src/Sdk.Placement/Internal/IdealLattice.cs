namespace Sdk.Placement.Internal;

/// <summary>
/// Ideals (downward-closed unit sets) of the unit DAG with what the DP needs per ideal: bitsets, sums of latency,
/// memory and unsupported units, the immediate subideals (one maximal unit removed), and the hyperedges the ideal
/// cuts. Ids are in order of size, so every subideal has a smaller id. A chain of prefixes is also a lattice in
/// this sense, which is how the linearised fallback reuses the same DP (without bitsets or boundaries: see
/// <see cref="PrefixEnd"/>; the DP then counts communication incrementally along the chain).
/// </summary>
internal sealed class IdealLattice
{
    public IdealLattice(
        PlacementUnits units,
        int count,
        ulong[]? bits,
        int[]? prefixEnd,
        IdealSums sums,
        int[] subStart,
        int[] sub,
        int[] boundaryStart,
        int[] boundary,
        int fullId)
    {
        Units = units;
        Count = count;
        Words = units.Words;
        Bits = bits;
        PrefixEnd = prefixEnd;
        CpuLatency = sums.CpuLatency;
        AcceleratorLatency = sums.AcceleratorLatency;
        Size = sums.Size;
        UnsupportedCount = sums.UnsupportedCount;
        MinLatency = sums.MinLatency;
        Cut = sums.Cut;
        SubStart = subStart;
        Sub = sub;
        BoundaryStart = boundaryStart;
        Boundary = boundary;
        FullId = fullId;
    }

    public PlacementUnits Units { get; }

    public int Count { get; }

    public int Words { get; }

    /// <summary>Words bits per ideal, ideal after ideal; null for a chain of prefixes.</summary>
    public ulong[]? Bits { get; }

    /// <summary>For a chain of prefixes (no bitsets): ideal i holds the units 0..PrefixEnd[i]-1. Null otherwise.</summary>
    public int[]? PrefixEnd { get; }

    public bool IsChain => PrefixEnd is not null;

    public double[] CpuLatency { get; }

    public double[] AcceleratorLatency { get; }

    public double[] Size { get; }

    public int[] UnsupportedCount { get; }

    /// <summary>Sum over units of the cheaper latency they may run at: any d devices need at least this / d.</summary>
    public double[] MinLatency { get; }

    /// <summary>Communication an accelerator holding exactly this ideal would pay (not kept for chains).</summary>
    public double[] Cut { get; }

    public int[] SubStart { get; }

    public int[] Sub { get; }

    /// <summary>Hyperedges cut by ideal i are Boundary[BoundaryStart[i]..BoundaryStart[i+1]) (empty for chains).</summary>
    public int[] BoundaryStart { get; }

    public int[] Boundary { get; }

    /// <summary>Id of the ideal holding every unit.</summary>
    public int FullId { get; }

    public bool Contains(int ideal, int unit) =>
        Bits is null ? unit < PrefixEnd![ideal] : (Bits[(ideal * Words) + (unit >> 6)] & (1UL << (unit & 63))) != 0;

    /// <summary>
    /// Communication of the set outer \ inner (inner a subideal of outer). A hyperedge is paid when it meets the
    /// set and also something outside it. Splitting by where its members lie (inner / the set / beyond outer):
    /// cut(set) = cut(outer) + cut(inner) - sum over hyperedges cut by inner that reach beyond outer of
    /// cost * (2 if they miss the set, else 1). Only inner's boundary has to be scanned.
    /// </summary>
    public double Communication(int outer, int inner)
    {
        var hyperedges = Units.Hyperedges;
        var start = hyperedges.Start;
        var members = hyperedges.Members;
        var overcount = 0.0;
        for (var b = BoundaryStart[inner]; b < BoundaryStart[inner + 1]; b++)
        {
            var h = Boundary[b];
            bool beyondOuter = false, meetsSet = false;
            for (var i = start[h]; i < start[h + 1] && !(beyondOuter && meetsSet); i++)
            {
                var unit = members[i];
                if (!Contains(outer, unit))
                {
                    beyondOuter = true;
                }
                else if (!Contains(inner, unit))
                {
                    meetsSet = true;
                }
            }

            if (beyondOuter)
            {
                overcount += meetsSet ? hyperedges.Cost[h] : 2 * hyperedges.Cost[h];
            }
        }

        var communication = Cut[outer] + Cut[inner] - overcount;
        return communication > 0 ? communication : 0;
    }
}

/// <summary>Per-ideal sums, kept together so the lattice constructor stays readable.</summary>
internal sealed class IdealSums
{
    public IdealSums(double[] cpuLatency, double[] acceleratorLatency, double[] size, int[] unsupportedCount, double[] minLatency, double[] cut)
    {
        MinLatency = minLatency;
        CpuLatency = cpuLatency;
        AcceleratorLatency = acceleratorLatency;
        Size = size;
        UnsupportedCount = unsupportedCount;
        Cut = cut;
    }

    public double[] CpuLatency { get; }

    public double[] AcceleratorLatency { get; }

    public double[] Size { get; }

    public int[] UnsupportedCount { get; }

    public double[] MinLatency { get; }

    public double[] Cut { get; }
}
