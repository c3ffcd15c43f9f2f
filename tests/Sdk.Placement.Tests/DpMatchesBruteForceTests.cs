using System.Linq;
using Sdk.Placement;
using Sdk.Placement.Internal;

namespace Sdk.Placement.Tests;

/// <summary>On random small problems the DP must find exactly what exhaustive search over the same family finds.</summary>
public class DpMatchesBruteForceTests
{
    private const int Cases = 400;

    public static TheoryData<int> RandomSeeds() => Seeds.Range(Cases);

    [Theory]
    [MemberData(nameof(RandomSeeds))]
    public void DpEqualsBruteForce(int seed) => AssertDpEqualsBruteForce(RandomGraphs.Create(seed));

    /// <summary>Series-parallel graphs go through the per-block enumeration, total orders through the chain DP alone.</summary>
    [Theory]
    [MemberData(nameof(RandomSeeds))]
    public void DpEqualsBruteForceOnSeriesParallelGraphsAndChains(int seed)
    {
        AssertDpEqualsBruteForce(RandomGraphs.SeriesParallel(seed));
        AssertDpEqualsBruteForce(RandomGraphs.Chain(seed));
    }

    private static void AssertDpEqualsBruteForce(PlacementProblem problem)
    {
        var dp = PlacementSolver.Solve(problem);
        var brute = BruteForcePlacementSolver.Solve(problem);

        Assert.Equal(brute.Status, dp.Status);
        if (brute.Status == PlacementStatus.Infeasible)
        {
            Assert.True(double.IsPositiveInfinity(dp.MaxLoad));
            return;
        }

        PlacementAssert.Close(brute.MaxLoad, dp.MaxLoad, 1e-9);
        PlacementAssert.ValidPlacement(problem, dp);
        PlacementAssert.ValidPlacement(problem, brute);
    }

    [Fact]
    public void RandomCasesCoverTheInterestingFeatures()
    {
        var problems = Enumerable.Range(0, Cases).Select(RandomGraphs.Create).ToList();
        var solved = problems.Select(p => (Problem: p, Result: PlacementSolver.Solve(p))).ToList();

        Assert.Contains(problems, p => p.Nodes.Any(n => n.IsBackward));
        Assert.Contains(problems, p => p.Nodes.Any(n => !n.SupportedOnAccelerator) && p.Cpus == 1);
        Assert.Contains(solved, s => s.Result.Stats.MergedClasses > 0);
        Assert.Contains(solved, s => s.Result.Stats.FreeGroups > 0);
        Assert.Contains(solved, s => s.Result.Status == PlacementStatus.Infeasible);
        Assert.True(solved.Count(s => s.Result.Status == PlacementStatus.Optimal) >= Cases / 2);
        Assert.Contains(solved, s => s.Result.Devices.Any(d => d.Device.Kind == DeviceKind.Cpu && d.NodeIds.Count > 0));
        Assert.Contains(solved, s => s.Result.Devices.Count(d => d.Device.Kind == DeviceKind.Accelerator && d.NodeIds.Count > 0) >= 2);
    }

    [Fact]
    public void SeriesParallelCasesHaveSeveralBlocksAndParallelOnes()
    {
        var blocks = Enumerable.Range(0, Cases)
            .Select(seed => SeriesBlocks.Find(PlacementUnits.Build(IndexedGraph.Create(RandomGraphs.SeriesParallel(seed)))))
            .ToList();

        Assert.True(blocks.Count(b => b.Count >= 3 && b.LargestBlock() >= 2) >= Cases / 4);
        Assert.Contains(blocks, b => b.IsTotalOrder);
        Assert.Contains(Enumerable.Range(0, Cases).Select(RandomGraphs.Chain), p => p.Accelerators == 4 && p.Nodes.Count >= 8);
    }
}
