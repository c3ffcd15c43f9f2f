namespace Sdk.Placement.Internal;

/// <summary>
/// Ideals (downward-closed unit sets) of the unit DAG with what the DP needs per ideal: its sums, the hyperedges it
/// cuts and their cost. Ideal i is the prefix of every block before BlockOf[i] (see <see cref="SeriesBlocks"/>)
/// plus the units of block BlockOf[i] set in its bitset (Words words, bit j for the block's j-th unit). Ids are in
/// order of size, so every proper subideal has a smaller id; id 0 is the empty set and <see cref="FullId"/> holds
/// every unit (block index Blocks.Count).
/// </summary>
internal sealed class IdealLattice
{
    public IdealLattice(
        PlacementUnits units, SeriesBlocks blocks, int words, int[] blockOf, ulong[] bits, IdealSums sums, double[] cut, int[] boundaryStart, int[] boundary)
    {
        Units = units;
        Blocks = blocks;
        Words = words;
        Count = blockOf.Length;
        BlockOf = blockOf;
        Bits = bits;
        Sums = sums;
        Cut = cut;
        BoundaryStart = boundaryStart;
        Boundary = boundary;
    }

    public PlacementUnits Units { get; }

    public SeriesBlocks Blocks { get; }

    public int Count { get; }

    public int Words { get; }

    public int[] BlockOf { get; }

    public ulong[] Bits { get; }

    public IdealSums Sums { get; }

    /// <summary>Communication an accelerator holding exactly this ideal would pay.</summary>
    public double[] Cut { get; }

    /// <summary>Hyperedges cut by ideal i are Boundary[BoundaryStart[i]..BoundaryStart[i+1]).</summary>
    public int[] BoundaryStart { get; }

    public int[] Boundary { get; }

    public int FullId => Count - 1;

    public bool Contains(int ideal, int unit) => Blocks.Contains(BlockOf[ideal], Bits, (long)ideal * Words, unit);

    /// <summary>Whether <paramref name="inner"/> is a subset of <paramref name="outer"/> (both ideals).</summary>
    public bool IsSubset(int inner, int outer)
    {
        int innerBlock = BlockOf[inner], outerBlock = BlockOf[outer];
        if (innerBlock != outerBlock)
        {
            return innerBlock < outerBlock; // an earlier block's ideal lies inside the later block's prefix
        }

        long i = (long)inner * Words, o = (long)outer * Words;
        for (var w = 0; w < Words; w++)
        {
            if ((Bits[i + w] & ~Bits[o + w]) != 0)
            {
                return false;
            }
        }

        return true;
    }

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
