using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// Communication as weighted hyperedges over units (CSR arrays). Hyperedges with the same unit set are summed,
/// hyperedges inside one unit or of zero cost are dropped: they can never be paid.
/// </summary>
internal sealed class UnitHypergraph
{
    private UnitHypergraph(int[] start, int[] members, double[] cost, int unitCount)
    {
        Start = start;
        Members = members;
        Cost = cost;
        foreach (var c in cost)
        {
            TotalCost += c;
        }

        OfUnitStart = new int[unitCount + 1];
        foreach (var u in members)
        {
            OfUnitStart[u + 1]++;
        }

        for (var u = 0; u < unitCount; u++)
        {
            OfUnitStart[u + 1] += OfUnitStart[u];
        }

        OfUnit = new int[members.Length];
        var fill = (int[])OfUnitStart.Clone();
        for (var h = 0; h < Count; h++)
        {
            for (var i = start[h]; i < start[h + 1]; i++)
            {
                OfUnit[fill[members[i]]++] = h;
            }
        }
    }

    public int Count => Cost.Length;

    /// <summary>Sum of all hyperedge costs: what rounding in sums of communication is relative to.</summary>
    public double TotalCost { get; }

    /// <summary>Members of hyperedge h are Members[Start[h]..Start[h+1]).</summary>
    public int[] Start { get; }

    public int[] Members { get; }

    public double[] Cost { get; }

    /// <summary>Hyperedges containing unit u are OfUnit[OfUnitStart[u]..OfUnitStart[u+1]).</summary>
    public int[] OfUnitStart { get; }

    public int[] OfUnit { get; }

    public static UnitHypergraph Build(IndexedGraph graph, int[] unitOfNode, int unitCount)
    {
        var start = new List<int> { 0 };
        var members = new List<int>();
        var indexOfMembers = new Dictionary<int, int>(new SameMembers(start, members));
        var cost = new List<double>();
        var units = new List<int>();
        for (var w = 0; w < graph.NodeCount; w++)
        {
            if (graph.Successors[w].Length == 0 || graph.OutputCost[w] == 0)
            {
                continue;
            }

            units.Clear();
            units.Add(unitOfNode[w]);
            foreach (var s in graph.Successors[w])
            {
                units.Add(unitOfNode[s]);
            }

            units.Sort();
            RemoveDuplicates(units);
            if (units.Count < 2)
            {
                continue;
            }

            if (units[0] < 0)
            {
                throw new InvalidOperationException("internal error: a free group sits on an edge that costs something");
            }

            // Tentatively appended, then found again by content if an equal hyperedge exists.
            var candidate = cost.Count;
            members.AddRange(units);
            start.Add(members.Count);
            if (indexOfMembers.TryGetValue(candidate, out var existing))
            {
                members.RemoveRange(start[candidate], units.Count);
                start.RemoveAt(candidate + 1);
                cost[existing] += graph.OutputCost[w];
                continue;
            }

            indexOfMembers.Add(candidate, candidate);
            cost.Add(graph.OutputCost[w]);
        }

        return new UnitHypergraph(start.ToArray(), members.ToArray(), cost.ToArray(), unitCount);
    }

    private static void RemoveDuplicates(List<int> sorted)
    {
        var kept = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1])
            {
                sorted[kept++] = sorted[i];
            }
        }

        sorted.RemoveRange(kept, sorted.Count - kept);
    }

    // Hyperedges (by index into start/members) are equal when their member lists are.
    private sealed class SameMembers : IEqualityComparer<int>
    {
        private readonly List<int> start;
        private readonly List<int> members;

        public SameMembers(List<int> start, List<int> members)
        {
            this.start = start;
            this.members = members;
        }

        public bool Equals(int a, int b)
        {
            var length = start[a + 1] - start[a];
            if (length != start[b + 1] - start[b])
            {
                return false;
            }

            for (var i = 0; i < length; i++)
            {
                if (members[start[a] + i] != members[start[b] + i])
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(int h)
        {
            var hash = 17;
            for (var i = start[h]; i < start[h + 1]; i++)
            {
                hash = (hash * 31) + members[i];
            }

            return hash;
        }
    }
}
