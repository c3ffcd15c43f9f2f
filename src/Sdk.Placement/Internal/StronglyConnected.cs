using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>Kosaraju's algorithm, iterative so that long chains cannot overflow the stack.</summary>
internal static class StronglyConnected
{
    /// <summary>Component index of every vertex (components with more than one vertex are the cycles).</summary>
    public static int[] Components(int vertexCount, IReadOnlyList<(int From, int To)> edges)
    {
        var forward = Adjacency(vertexCount, edges, reverse: false);
        var backward = Adjacency(vertexCount, edges, reverse: true);
        var finishOrder = new List<int>(vertexCount);
        var visited = new bool[vertexCount];
        var stack = new Stack<(int Vertex, int Next)>();
        for (var start = 0; start < vertexCount; start++)
        {
            if (visited[start])
            {
                continue;
            }

            visited[start] = true;
            stack.Push((start, 0));
            while (stack.Count > 0)
            {
                var (v, next) = stack.Pop();
                if (next < forward[v].Length)
                {
                    stack.Push((v, next + 1));
                    var w = forward[v][next];
                    if (!visited[w])
                    {
                        visited[w] = true;
                        stack.Push((w, 0));
                    }
                }
                else
                {
                    finishOrder.Add(v);
                }
            }
        }

        var component = new int[vertexCount];
        for (var i = 0; i < vertexCount; i++)
        {
            component[i] = -1;
        }

        var count = 0;
        var pending = new Stack<int>();
        for (var i = finishOrder.Count - 1; i >= 0; i--)
        {
            var root = finishOrder[i];
            if (component[root] >= 0)
            {
                continue;
            }

            component[root] = count;
            pending.Push(root);
            while (pending.Count > 0)
            {
                foreach (var w in backward[pending.Pop()])
                {
                    if (component[w] < 0)
                    {
                        component[w] = count;
                        pending.Push(w);
                    }
                }
            }

            count++;
        }

        return component;
    }

    private static int[][] Adjacency(int vertexCount, IReadOnlyList<(int From, int To)> edges, bool reverse)
    {
        var adjacency = new Grouping(edges.Count);
        foreach (var (from, to) in edges)
        {
            adjacency.Add(reverse ? to : from, reverse ? from : to);
        }

        return adjacency.ToArrays(vertexCount);
    }
}
