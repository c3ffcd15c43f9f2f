using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

/// <summary>
/// Seeded random problems small enough for brute force: shuffled ids, zero-cost nodes (to exercise the merging),
/// unsupported nodes, integer sizes against random memory limits, and for some seeds a training graph with
/// backward twins, orphaned backward nodes and multi-node colour classes.
/// </summary>
internal static class RandomGraphs
{
    public static PlacementProblem Create(int seed)
    {
        var random = new Random(seed);
        return random.Next(4) == 0 ? Training(random) : Inference(random, random.Next(3, 13));
    }

    /// <summary>
    /// Series compositions of single nodes and small parallel blocks (2 or 3 branches of 1 or 2 nodes, joined or not),
    /// sometimes with a skip edge over a block, on up to 4 accelerators and 1 CPU: the shapes the series-block
    /// enumeration and the chain DP are for.
    /// </summary>
    public static PlacementProblem SeriesParallel(int seed)
    {
        var random = new Random(seed);
        var ids = ShuffledIds(random, 12);
        var nodes = new List<PlacementNode>();
        var edges = new List<PlacementEdge>();
        var cost = new Dictionary<int, double>();
        int Add()
        {
            var id = ids[nodes.Count];
            nodes.Add(RandomNode(random, id, isBackward: false, colorClass: null));
            cost[id] = OutputCost(random);
            return id;
        }

        void Link(int from, int to) => edges.Add(new PlacementEdge(from, to, cost[from]));
        var tails = new List<int> { Add() };
        var target = random.Next(4, 11);
        while (nodes.Count < target - 1)
        {
            var before = tails.ToList();
            tails.Clear();
            var branches = random.Next(3) == 0 ? 1 : random.Next(2, 4);
            for (var b = 0; b < branches && nodes.Count < target; b++)
            {
                var node = Add();
                before.ForEach(t => Link(t, node));
                if (random.Next(3) == 0 && nodes.Count < target)
                {
                    var next = Add();
                    Link(node, next);
                    node = next;
                }

                tails.Add(node);
            }

            if (tails.Count > 1 && random.Next(3) != 0 && nodes.Count < target)
            {
                var join = Add();
                tails.ForEach(t => Link(t, join));
                if (random.Next(4) == 0)
                {
                    Link(before[0], join); // a skip edge over the block
                }

                tails = new List<int> { join };
            }
        }

        return WithMachine(random, nodes, edges.OrderBy(_ => random.Next()).ToList(), maxAccelerators: 4);
    }

    /// <summary>A total order (edges i -> i+1) with random skip edges, on up to 4 accelerators and 1 CPU.</summary>
    public static PlacementProblem Chain(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(2, 11);
        var ids = ShuffledIds(random, count);
        var nodes = ids.Select(id => RandomNode(random, id, isBackward: false, colorClass: null)).ToList();
        var edges = new List<PlacementEdge>();
        for (var i = 0; i + 1 < count; i++)
        {
            var cost = OutputCost(random);
            edges.Add(new PlacementEdge(ids[i], ids[i + 1], cost));
            for (var j = i + 2; j < count; j++)
            {
                if (random.Next(5) == 0)
                {
                    edges.Add(new PlacementEdge(ids[i], ids[j], cost));
                }
            }
        }

        return WithMachine(random, nodes, edges, maxAccelerators: 4);
    }

    private static PlacementProblem Inference(Random random, int nodeCount)
    {
        var ids = ShuffledIds(random, nodeCount);
        var nodes = new List<PlacementNode>();
        for (var i = 0; i < nodeCount; i++)
        {
            nodes.Add(RandomNode(random, ids[i], isBackward: false, colorClass: null));
        }

        var edges = RandomForwardEdges(random, ids, random.NextDouble() * 0.45 + 0.1);
        return WithMachine(random, nodes, edges);
    }

    private static PlacementProblem Training(Random random)
    {
        var forwardCount = random.Next(2, 7);
        var ids = ShuffledIds(random, 2 * forwardCount + 1);
        var nodes = new List<PlacementNode>();
        var classes = new int[forwardCount];
        for (var i = 0; i < forwardCount; i++)
        {
            // Sometimes two forward nodes share a class (which may fuse a cycle of classes).
            classes[i] = i > 0 && random.Next(6) == 0 ? classes[random.Next(i)] : 100 + i;
            nodes.Add(RandomNode(random, ids[i], isBackward: false, colorClass: classes[i]));
        }

        var edges = RandomForwardEdges(random, ids.Take(forwardCount).ToArray(), random.NextDouble() * 0.4 + 0.2);
        var backwardOf = new Dictionary<int, int>();
        for (var i = 0; i < forwardCount; i++)
        {
            if (random.Next(4) != 0)
            {
                backwardOf[i] = ids[forwardCount + i];
                nodes.Add(RandomNode(random, backwardOf[i], isBackward: true, colorClass: classes[i]));
            }
        }

        var orphan = random.Next(3) == 0 ? ids[2 * forwardCount] : (int?)null;
        if (orphan is int orphanId)
        {
            nodes.Add(RandomNode(random, orphanId, isBackward: true, colorClass: null));
        }

        AddBackwardEdges(random, ids, forwardCount, backwardOf, orphan, edges);
        return WithMachine(random, nodes, edges);
    }

    // Mirrors of forward edges between backward twins, activations stashed for the backward pass, and the orphan.
    private static void AddBackwardEdges(Random random, int[] ids, int forwardCount, Dictionary<int, int> backwardOf, int? orphan, List<PlacementEdge> edges)
    {
        var cost = new Dictionary<int, double>();
        double CostOf(int id) => cost.TryGetValue(id, out var c) ? c : cost[id] = OutputCost(random);
        foreach (var edge in edges)
        {
            cost[edge.SourceId] = edge.Cost;
        }

        var added = new List<PlacementEdge>();
        foreach (var edge in edges)
        {
            int u = Array.IndexOf(ids, edge.SourceId), v = Array.IndexOf(ids, edge.DestId);
            if (backwardOf.TryGetValue(u, out var bu) && backwardOf.TryGetValue(v, out var bv))
            {
                added.Add(new PlacementEdge(bv, bu, CostOf(bv)));
            }
        }

        foreach (var pair in backwardOf)
        {
            if (random.Next(2) == 0)
            {
                added.Add(new PlacementEdge(ids[pair.Key], pair.Value, CostOf(ids[pair.Key])));
            }
        }

        if (orphan is int orphanId && backwardOf.Count > 0)
        {
            var target = backwardOf.Values.ElementAt(random.Next(backwardOf.Count));
            added.Add(random.Next(2) == 0 ? new PlacementEdge(orphanId, target, CostOf(orphanId)) : new PlacementEdge(target, orphanId, CostOf(target)));
        }

        edges.AddRange(added);
    }

    private static PlacementNode RandomNode(Random random, int id, bool isBackward, int? colorClass)
    {
        var free = random.Next(6) == 0; // zero latency on both kinds: a candidate for merging
        return new PlacementNode(
            id,
            CpuLatency: free ? 0 : random.Next(1, 41) / 2.0,
            AcceleratorLatency: free ? 0 : random.Next(1, 21) / 4.0,
            Size: random.Next(3) == 0 ? 0 : random.Next(1, 11),
            SupportedOnAccelerator: random.Next(7) != 0,
            IsBackward: isBackward,
            ColorClass: colorClass);
    }

    private static List<PlacementEdge> RandomForwardEdges(Random random, int[] idsInTopologicalOrder, double density)
    {
        var edges = new List<PlacementEdge>();
        for (var i = 0; i < idsInTopologicalOrder.Length; i++)
        {
            var cost = OutputCost(random);
            for (var j = i + 1; j < idsInTopologicalOrder.Length; j++)
            {
                if (random.NextDouble() < density)
                {
                    edges.Add(new PlacementEdge(idsInTopologicalOrder[i], idsInTopologicalOrder[j], cost));
                }
            }
        }

        return edges.OrderBy(_ => random.Next()).ToList();
    }

    private static double OutputCost(Random random) => random.Next(5) == 0 ? 0 : random.Next(1, 13) / 4.0;

    private static PlacementProblem WithMachine(Random random, List<PlacementNode> nodes, List<PlacementEdge> edges, int maxAccelerators = 3)
    {
        var total = nodes.Sum(n => n.Size);
        var largest = nodes.Max(n => n.Size);
        var memory = random.Next(4) == 0 ? double.PositiveInfinity : Math.Floor(largest + random.NextDouble() * (total - largest + 1));
        var shuffled = nodes.OrderBy(_ => random.Next()).ToList();
        return new PlacementProblem(shuffled, edges, accelerators: random.Next(maxAccelerators == 3 ? 2 : 1, maxAccelerators + 1), cpus: random.Next(0, 2), memory);
    }

    private static int[] ShuffledIds(Random random, int count) =>
        Enumerable.Range(1, 3 * count).OrderBy(_ => random.Next()).Take(count).ToArray();
}
