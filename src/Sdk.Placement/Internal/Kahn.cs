using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>Kahn's algorithm: peels off vertices without predecessors until none is left or only cycles remain.</summary>
internal static class Kahn
{
    /// <summary>
    /// The indegree each vertex has left once every vertex that can be peeled off is: all zero iff the graph is
    /// acyclic; the positive ones are on a cycle or after one.
    /// </summary>
    public static int[] RemainingIndegrees(int[][] successors)
    {
        var indegree = new int[successors.Length];
        foreach (var next in successors)
        {
            foreach (var w in next)
            {
                indegree[w]++;
            }
        }

        var ready = new Stack<int>();
        for (var v = 0; v < successors.Length; v++)
        {
            if (indegree[v] == 0)
            {
                ready.Push(v);
            }
        }

        while (ready.Count > 0)
        {
            foreach (var w in successors[ready.Pop()])
            {
                if (--indegree[w] == 0)
                {
                    ready.Push(w);
                }
            }
        }

        return indegree;
    }

    public static bool IsAcyclic(int[][] successors)
    {
        foreach (var remaining in RemainingIndegrees(successors))
        {
            if (remaining > 0)
            {
                return false;
            }
        }

        return true;
    }
}
