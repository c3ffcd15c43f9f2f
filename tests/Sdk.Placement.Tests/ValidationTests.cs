using System.Collections.Generic;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

/// <summary>Malformed problems are refused with a message naming the node or edge.</summary>
public class ValidationTests
{
    private static PlacementProblem Problem(IReadOnlyList<PlacementNode> nodes, IReadOnlyList<PlacementEdge> edges, int accelerators = 2, int cpus = 1) =>
        new(nodes, edges, accelerators, cpus, 100);

    private static readonly PlacementNode[] ThreeNodes = { new(1, 1, 1, 1), new(2, 1, 1, 1), new(3, 1, 1, 1) };

    [Theory]
    [InlineData(1, 9, "edge #0 (1 -> 9): destId 9 is not a node id")]
    [InlineData(9, 1, "edge #0 (9 -> 1): sourceId 9 is not a node id")]
    [InlineData(2, 2, "edge #0 (2 -> 2): self-loops are not allowed")]
    public void BadEdgeIsNamed(int source, int dest, string message)
    {
        var error = Assert.Throws<PlacementValidationException>(
            () => PlacementSolver.Solve(Problem(ThreeNodes, new[] { new PlacementEdge(source, dest, 1) })));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void DuplicateIdIsNamed()
    {
        var error = Assert.Throws<PlacementValidationException>(
            () => PlacementProblemValidator.Validate(Problem(new[] { new PlacementNode(4, 1, 1, 1), new PlacementNode(4, 2, 2, 2) }, new PlacementEdge[0])));

        Assert.Contains("node id 4 appears more than once", error.Message);
    }

    [Fact]
    public void CycleNamesANodeOnIt()
    {
        var edges = new[] { new PlacementEdge(1, 2, 1), new PlacementEdge(2, 3, 1), new PlacementEdge(3, 2, 1) };

        var error = Assert.Throws<PlacementValidationException>(() => PlacementProblemValidator.Validate(Problem(ThreeNodes, edges)));

        Assert.Matches("cycle through node [23]$", error.Message);
    }

    [Fact]
    public void DifferentCostsOutOfOneNodeAreRefused()
    {
        var edges = new[] { new PlacementEdge(1, 2, 1), new PlacementEdge(1, 3, 2) };

        var error = Assert.Throws<PlacementValidationException>(() => PlacementProblemValidator.Validate(Problem(ThreeNodes, edges)));

        Assert.Contains("edge #1 (1 -> 3): cost 2 differs from cost 1 of edge #0 (1 -> 2)", error.Message);
    }

    [Fact]
    public void BackwardToForwardEdgeIsRefused()
    {
        var nodes = new[] { new PlacementNode(1, 1, 1, 1), new PlacementNode(2, 1, 1, 1, IsBackward: true) };

        var error = Assert.Throws<PlacementValidationException>(
            () => PlacementProblemValidator.Validate(Problem(nodes, new[] { new PlacementEdge(2, 1, 1) })));

        Assert.Contains("from backward node 2 to forward node 1", error.Message);
    }

    [Theory]
    [InlineData(-1.0, 1.0, 1.0, "node 5: cpuLatency")]
    [InlineData(1.0, double.NaN, 1.0, "node 5: acceleratorLatency")]
    [InlineData(1.0, 1.0, double.PositiveInfinity, "node 5: size")]
    [InlineData(1.0, 1e101, 1.0, "node 5: acceleratorLatency")]
    public void BadNumbersAreNamed(double cpu, double accelerator, double size, string what)
    {
        var error = Assert.Throws<PlacementValidationException>(
            () => PlacementProblemValidator.Validate(Problem(new[] { new PlacementNode(5, cpu, accelerator, size) }, new PlacementEdge[0])));

        Assert.StartsWith(what + " must be a finite number between 0 and 1E+100, got ", error.Message);
    }

    [Theory]
    [InlineData(5000, 1, "number of accelerators must be between 0 and 4096, got 5000")]
    [InlineData(2, -1, "number of CPUs must be between 0 and 4096, got -1")]
    public void MachineBeyondTheLimitsIsRefused(int accelerators, int cpus, string message)
    {
        var error = Assert.Throws<PlacementValidationException>(
            () => PlacementProblemValidator.Validate(Problem(ThreeNodes, new PlacementEdge[0], accelerators, cpus)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void MachineWithoutDevicesIsRefused()
    {
        var error = Assert.Throws<PlacementValidationException>(
            () => PlacementProblemValidator.Validate(Problem(ThreeNodes, new PlacementEdge[0], accelerators: 0, cpus: 0)));

        Assert.Contains("no devices", error.Message);
    }
}
