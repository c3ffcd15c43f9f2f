using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Placement.Internal;

namespace Sdk.Placement.Tests;

/// <summary>
/// Large and hostile inputs: chains and series-parallel graphs are solved exactly within a small deterministic
/// effort, a wide parallel block falls back, devices beyond the node count change nothing, and work that used to
/// be quadratic is linear. Speed itself is measured in benchmarks/Sdk.Benchmarks, not here.
/// </summary>
public class ScaleTests
{
    // n nodes in a line; accelerator latencies 1-3, CPUs ten times slower; edge costs 0-0.3.
    private static PlacementProblem Chain(int n, int accelerators = 6, int cpus = 1)
    {
        var nodes = Enumerable.Range(0, n).Select(i => new PlacementNode(i, 10, 1 + (i % 3), 1)).ToList();
        var edges = Enumerable.Range(1, n - 1).Select(i => new PlacementEdge(i - 1, i, 0.1 * (i % 4))).ToList();
        return new PlacementProblem(nodes, edges, accelerators, cpus, 1e9);
    }

    // ResNet-like: per block a stem feeding two branches and a join (which the stem also feeds), in series.
    private static PlacementProblem Residual(int blocks)
    {
        var nodes = new List<PlacementNode>();
        var edges = new List<PlacementEdge>();
        var random = new Random(7);
        int Node(double latency)
        {
            nodes.Add(new PlacementNode(nodes.Count, 10 * latency, latency, 1));
            return nodes.Count - 1;
        }

        var previous = -1;
        for (var b = 0; b < blocks; b++)
        {
            var stem = Node(1 + random.NextDouble());
            if (previous >= 0)
            {
                edges.Add(new PlacementEdge(previous, stem, 0.5));
            }

            int left = Node(2 * random.NextDouble()), right = Node(2 * random.NextDouble()), join = Node(0.5);
            edges.AddRange(new[] { new PlacementEdge(stem, left, 0.25), new PlacementEdge(stem, right, 0.25), new PlacementEdge(stem, join, 0.25) });
            edges.AddRange(new[] { new PlacementEdge(left, join, 0.1), new PlacementEdge(right, join, 0.1) });
            previous = join;
        }

        return new PlacementProblem(nodes, edges, 6, 1, 1e9);
    }

    [Fact]
    public void HundredThousandNodeChainIsExactWithLittleWork()
    {
        var problem = Chain(100_000);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal(100_001, result.Stats.IdealCount);
        Assert.True(result.Stats.PairsExamined < 1_000_000, $"{result.Stats.PairsExamined} pairs"); // was ~10^9 walking the chain
        PlacementAssert.ValidPlacement(problem, result);
        Assert.True(result.MaxLoad >= problem.Nodes.Sum(n => Math.Min(n.CpuLatency, n.AcceleratorLatency)) / 7);
    }

    [Fact]
    public void ChainAnswerIsTheSameWithTheCoarseBoundOrWithout()
    {
        // Over 8,192 units the solver bounds the chain by a coarse one first; the chain DP alone must agree.
        var problem = Chain(9_000, accelerators: 3);
        var units = PlacementUnits.Build(IndexedGraph.Create(problem));
        var layers = new DeviceLayers(3, 1, problem.MaxMemoryPerAccelerator, units.CpuPerAccelerator, double.PositiveInfinity);

        var direct = ChainDp.Solve(units, ChainDp.EveryUnit(units.Count), layers, new Effort(long.MaxValue, () => false))!;
        var viaCoarse = PlacementSolver.Solve(problem);

        PlacementAssert.Close(direct.MaxLoad, viaCoarse.MaxLoad, 1e-12);
        Assert.Equal(PlacementStatus.Optimal, viaCoarse.Status);
    }

    [Fact]
    public void ResidualGraphIsEnumeratedBlockByBlock()
    {
        const int blocks = 5_000; // 20,000 nodes; one bitset over all of them would need 313 words per ideal
        var problem = Residual(blocks);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal((5 * blocks) + 1, result.Stats.IdealCount); // stem (1) + {left, right} without the pair (3) + join (1)
        Assert.True(result.Stats.PairsExamined < 5_000_000, $"{result.Stats.PairsExamined} pairs");
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void SeriesBlocksSplitAtNodesComparableWithAll()
    {
        var units = PlacementUnits.Build(IndexedGraph.Create(Residual(3)));

        var blocks = SeriesBlocks.Find(units);

        Assert.Equal(new[] { 0, 1, 3, 4, 5, 7, 8, 9, 11, 12 }, blocks.Start);
        Assert.False(blocks.IsTotalOrder);
        Assert.True(SeriesBlocks.Find(PlacementUnits.Build(IndexedGraph.Create(Chain(50)))).IsTotalOrder);
    }

    [Fact]
    public void WideParallelBlockStillFallsBack()
    {
        // 24 independent branches: 2^24 ideals in one block. Placing them is a partition problem (NP-hard), so
        // the exact search gives up, deterministically, and says why.
        var nodes = Enumerable.Range(0, 26).Select(i => new PlacementNode(i, 10, 1 + (i % 5), 1)).ToList();
        var edges = Enumerable.Range(1, 24).SelectMany(i => new[] { new PlacementEdge(0, i, 0.5), new PlacementEdge(i, 25, 0.25) }).ToList();
        var problem = new PlacementProblem(nodes, edges, 4, 1, 1e9);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Fallback, result.Status);
        Assert.Equal(FallbackReason.TooManyIdeals, result.FallbackReason);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void DevicesBeyondTheUnitCountChangeNothing()
    {
        var problem = TestData.Load("LayerGraphs_bert24_inference");

        var many = PlacementSolver.Solve(problem.WithDevices(PlacementProblem.MaxDevices, PlacementProblem.MaxDevices));
        var enough = PlacementSolver.Solve(problem.WithDevices(27, 27)); // 27 units

        Assert.Equal(PlacementStatus.Optimal, many.Status);
        PlacementAssert.Close(enough.MaxLoad, many.MaxLoad, 1e-12);
        Assert.Equal(2 * PlacementProblem.MaxDevices, many.Devices.Count);
        PlacementAssert.ValidPlacement(problem.WithDevices(PlacementProblem.MaxDevices, PlacementProblem.MaxDevices), many);
    }

    [Fact]
    public void TableOverTheMemoryLimitFallsBackToACoarseChain()
    {
        // 100,000 units x 4097^2 device layers cannot be tabulated: a coarse chain answers, with the reason.
        var problem = Chain(100_000, PlacementProblem.MaxDevices, PlacementProblem.MaxDevices);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Fallback, result.Status);
        Assert.Equal(FallbackReason.MemoryLimit, result.FallbackReason);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void IsolatedZeroCostNodesAreMergedInOneStep()
    {
        var nodes = Enumerable.Range(0, 50_000).Select(i => new PlacementNode(i, 0, 0, 0)).ToList();
        var problem = new PlacementProblem(nodes, new PlacementEdge[0], 2, 1, 1e9);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal(49_999, result.Stats.MergedClasses); // one pass, not one pass per halving
        Assert.Equal(0, result.MaxLoad);
    }

    [Fact]
    public void OptionsOutOfRangeAreNamed()
    {
        var problem = Chain(5);

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { MaxIdealPairs = -1 }));

        Assert.Contains("option MaxIdealPairs must be between 0 and 1000000000000, got -1", error.Message);
    }
}
