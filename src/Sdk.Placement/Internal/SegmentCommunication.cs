namespace Sdk.Placement.Internal;

/// <summary>
/// The communication of a run of units [start, end) of the unit order, in O(log n), for ends that only grow (the
/// chain DP's sweep). A hyperedge costs the run when it meets the run and also has a member outside it:
/// cut = (total cost) - (hyperedges missing the run) - (hyperedges inside it). A hyperedge misses [start, end) when
/// the run falls in one of its gaps, the stretches (x, y) between consecutive members (with -1 and n as sentinel
/// members), i.e. x &lt; start and end &lt;= y; it lies inside when its lowest member is &gt;= start and its highest
/// &lt; end. Two Fenwick trees hold the gaps with y &gt;= end (by x) and the hyperedges with highest member &lt; end
/// (by lowest member).
/// </summary>
internal sealed class SegmentCommunication
{
    private readonly UnitHypergraph hyperedges;
    private readonly Fenwick gapsByLeft;
    private readonly Fenwick insideByLowest;
    private readonly int[][] gapsEndingAt; // gap ids by their right end y (0..n); a gap id indexes gapLeft/gapCost
    private readonly int[] gapLeft;
    private readonly double[] gapCost;
    private readonly int[][] hyperedgesByHighest;
    private readonly double total;
    private double insideTotal;
    private int end;

    public SegmentCommunication(UnitHypergraph hyperedges, int unitCount)
    {
        this.hyperedges = hyperedges;
        var ending = new Grouping(hyperedges.Members.Length + hyperedges.Count);
        var byHighest = new Grouping(hyperedges.Count);
        var left = new GrowableArray<int>();
        var cost = new GrowableArray<double>();
        gapsByLeft = new Fenwick(unitCount + 1);
        insideByLowest = new Fenwick(unitCount);
        for (var h = 0; h < hyperedges.Count; h++)
        {
            var previous = -1;
            for (var i = hyperedges.Start[h]; i <= hyperedges.Start[h + 1]; i++)
            {
                var member = i < hyperedges.Start[h + 1] ? hyperedges.Members[i] : unitCount;
                ending.Add(member, left.Count);
                left.Add(previous);
                cost.Add(hyperedges.Cost[h]);
                gapsByLeft.Add(previous + 1, hyperedges.Cost[h]);
                previous = member;
            }

            byHighest.Add(hyperedges.Members[hyperedges.Start[h + 1] - 1], h);
            total += hyperedges.Cost[h];
        }

        gapsEndingAt = ending.ToArrays(unitCount + 1);
        gapLeft = left.ToArray();
        gapCost = cost.ToArray();
        hyperedgesByHighest = byHighest.ToArrays(unitCount);
    }

    /// <summary>Moves the end of the runs to <paramref name="newEnd"/> (never backwards).</summary>
    public void AdvanceTo(int newEnd)
    {
        for (; end < newEnd; end++)
        {
            foreach (var gap in gapsEndingAt[end])
            {
                gapsByLeft.Add(gapLeft[gap] + 1, -gapCost[gap]); // y = end < every later end
            }

            foreach (var h in hyperedgesByHighest[end])
            {
                insideByLowest.Add(hyperedges.Members[hyperedges.Start[h]], hyperedges.Cost[h]);
                insideTotal += hyperedges.Cost[h];
            }
        }
    }

    /// <summary>Communication of [start, end) for the current end; clamped at 0 against rounding.</summary>
    public double Cut(int start)
    {
        var missing = gapsByLeft.Prefix(start); // gaps with x + 1 <= start, i.e. x < start
        var inside = insideTotal - insideByLowest.Prefix(start - 1); // lowest member >= start
        var cut = total - missing - inside;
        return cut > 0 ? cut : 0;
    }
}
