using System;
using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>A graph plus the machine it must be placed on: k accelerators, l CPUs and the memory of one accelerator.</summary>
public sealed class PlacementProblem
{
    /// <summary>The most accelerators, and the most CPUs, a machine may have: a machine description, not a cluster.</summary>
    public const int MaxDevices = 4096;

    public const int MaxNodes = 1_000_000;

    public const int MaxEdges = 5_000_000;

    /// <summary>The largest latency, size or cost: sums over every node and edge stay finite.</summary>
    public const double MaxValue = 1e100;

    public PlacementProblem(
        IReadOnlyList<PlacementNode> nodes,
        IReadOnlyList<PlacementEdge> edges,
        int accelerators,
        int cpus,
        double maxMemoryPerAccelerator)
    {
        Nodes = nodes ?? throw new ArgumentNullException(nameof(nodes));
        Edges = edges ?? throw new ArgumentNullException(nameof(edges));
        Accelerators = accelerators;
        Cpus = cpus;
        MaxMemoryPerAccelerator = maxMemoryPerAccelerator;
    }

    public IReadOnlyList<PlacementNode> Nodes { get; }

    public IReadOnlyList<PlacementEdge> Edges { get; }

    /// <summary>k: how many accelerators may be used (at most).</summary>
    public int Accelerators { get; }

    /// <summary>l: how many CPUs may be used (at most).</summary>
    public int Cpus { get; }

    public double MaxMemoryPerAccelerator { get; }

    /// <summary>The same graph on a different machine.</summary>
    public PlacementProblem WithDevices(int accelerators, int cpus) =>
        new(Nodes, Edges, accelerators, cpus, MaxMemoryPerAccelerator);

    public PlacementProblem WithMaxMemory(double maxMemoryPerAccelerator) =>
        new(Nodes, Edges, Accelerators, Cpus, maxMemoryPerAccelerator);
}
