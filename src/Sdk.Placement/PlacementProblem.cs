using System;
using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>A graph plus the machine it must be placed on: k accelerators, l CPUs and the memory of one accelerator.</summary>
public sealed class PlacementProblem
{
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
