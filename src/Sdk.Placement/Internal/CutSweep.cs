namespace Sdk.Placement.Internal;

/// <summary>
/// The cut cost of a set that grows one unit at a time: per hyperedge, how many members are inside (it is cut
/// while 0 &lt; inside &lt; size). <see cref="Reset"/> starts a new set in O(1).
/// </summary>
internal sealed class CutSweep
{
    private readonly UnitHypergraph hyperedges;
    private readonly int[] inside;
    private readonly int[] stampOf;
    private int stamp = 1;
    private double cut;

    public CutSweep(UnitHypergraph hyperedges)
    {
        this.hyperedges = hyperedges;
        inside = new int[hyperedges.Count];
        stampOf = new int[hyperedges.Count];
    }

    /// <summary>Cut cost of the set so far (clamped at 0 against rounding).</summary>
    public double Cut => cut > 0 ? cut : 0;

    public void Reset()
    {
        stamp++;
        cut = 0;
    }

    public void Add(int unit)
    {
        for (var i = hyperedges.OfUnitStart[unit]; i < hyperedges.OfUnitStart[unit + 1]; i++)
        {
            var h = hyperedges.OfUnit[i];
            if (stampOf[h] != stamp)
            {
                stampOf[h] = stamp;
                inside[h] = 0;
            }

            var size = hyperedges.Start[h + 1] - hyperedges.Start[h];
            var count = ++inside[h];
            if (count == 1)
            {
                cut += hyperedges.Cost[h]; // newly touched; hyperedges always have two or more members
            }

            if (count == size)
            {
                cut -= hyperedges.Cost[h]; // now entirely inside
            }
        }
    }
}
