using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

/// <summary>Bounded effort: too many ideals or too little time must give the linearised placement, never a hang.</summary>
public class FallbackTests
{
    // A source fanning out to `width` independent nodes that all feed one sink: 2^width + 2 ideals.
    private static PlacementProblem Wide(int width)
    {
        var nodes = new List<PlacementNode> { new(0, 5, 1, 1) };
        var edges = new List<PlacementEdge>();
        for (var i = 1; i <= width; i++)
        {
            nodes.Add(new PlacementNode(i, 10 + (i % 7), 1 + (i % 5), 1));
            edges.Add(new PlacementEdge(0, i, 0.5));
            edges.Add(new PlacementEdge(i, width + 1, 0.25));
        }

        nodes.Add(new PlacementNode(width + 1, 5, 1, 1));
        return new PlacementProblem(nodes, edges, accelerators: 4, cpus: 1, maxMemoryPerAccelerator: width);
    }

    [Fact]
    public void WideDagFallsBackToTheLinearisedSplit()
    {
        var problem = Wide(40);

        var result = PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { MaxIdeals = 20_000 });

        Assert.Equal(PlacementStatus.Fallback, result.Status);
        Assert.Equal(FallbackReason.TooManyIdeals, result.FallbackReason);
        Assert.Equal(1L << 40, result.Stats.IdealCount); // 40 parallel nodes: known before enumerating
        Assert.Contains("too many ideals", result.Describe());
        PlacementAssert.ValidPlacement(problem, result);
        var work = problem.Nodes.Sum(n => Math.Min(n.CpuLatency, n.AcceleratorLatency));
        Assert.True(result.MaxLoad >= work / 5);
        Assert.True(result.Devices.Count(d => d.NodeIds.Count > 0) >= 4); // it really splits the work
    }

    [Fact]
    public void NarrowDagWithManyIdealsStopsAtTheBudget()
    {
        // Two independent chains of 300: never more than 2 side by side, yet 301 * 301 ideals.
        var nodes = new List<PlacementNode>();
        var edges = new List<PlacementEdge>();
        for (var i = 0; i < 600; i++)
        {
            nodes.Add(new PlacementNode(i, 10, 1 + (i % 4), 1));
            if (i % 300 != 0)
            {
                edges.Add(new PlacementEdge(i - 1, i, 0.25));
            }
        }

        var problem = new PlacementProblem(nodes, edges, accelerators: 3, cpus: 1, maxMemoryPerAccelerator: 1000);

        var result = PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { MaxIdeals = 20_000 });

        Assert.Equal(FallbackReason.TooManyIdeals, result.FallbackReason);
        Assert.Equal(20_000, result.Stats.IdealCount);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void WideDagWithDefaultOptionsStillAnswers()
    {
        var result = PlacementSolver.Solve(Wide(60));

        Assert.Equal(PlacementStatus.Fallback, result.Status);
        Assert.Equal(FallbackReason.TooManyIdeals, result.FallbackReason);
        PlacementAssert.ValidPlacement(Wide(60), result);
    }

    [Fact]
    public void ExpiredTimeLimitFallsBack()
    {
        var problem = Wide(12);

        var result = PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { TimeLimit = TimeSpan.Zero });

        Assert.Equal(PlacementStatus.Fallback, result.Status);
        Assert.Equal(FallbackReason.TimeLimit, result.FallbackReason);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void FallbackIsNeverBelowTheOptimum()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var problem = RandomGraphs.Create(seed);
            var exact = PlacementSolver.Solve(problem);
            var fallback = PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { MaxIdeals = 1 });

            Assert.True(fallback.MaxLoad >= exact.MaxLoad * (1 - 1e-12), $"seed {seed}");
            if (fallback.Status != PlacementStatus.Infeasible)
            {
                PlacementAssert.ValidPlacement(problem, fallback);
            }
        }
    }

    [Fact]
    public void SmallWideDagIsSolvedExactly()
    {
        var problem = Wide(10);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal((1L << 10) + 2, result.Stats.IdealCount);
    }

    [Fact]
    public void LongChainIsSolvedThroughTheCoarseBound()
    {
        // 2500 units (over the 512 where a coarse chain first bounds the fine one); a total order is exact.
        // The two unsupported nodes sit near the ends, where the two CPUs can take them.
        const int length = 2500;
        var nodes = new List<PlacementNode>();
        var edges = new List<PlacementEdge>();
        for (var i = 0; i < length; i++)
        {
            nodes.Add(new PlacementNode(i, 10, 1 + (i % 3), 1, SupportedOnAccelerator: i != 3 && i != length - 3));
            if (i > 0)
            {
                edges.Add(new PlacementEdge(i - 1, i, 0.1 * (i % 4)));
            }
        }

        var problem = new PlacementProblem(nodes, edges, accelerators: 5, cpus: 2, maxMemoryPerAccelerator: 2000);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal(length + 1, result.Stats.IdealCount);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void HugeFanOutFallsBackQuickly()
    {
        var problem = Wide(1500);

        var result = PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { MaxIdeals = 5_000 });

        Assert.Equal(PlacementStatus.Fallback, result.Status);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void CancellationIsHonoured()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => PlacementSolver.Solve(Wide(8), cancellationToken: cancelled.Token));
    }
}
