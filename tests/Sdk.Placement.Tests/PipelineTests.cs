using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Placement.Tests;

/// <summary>The heterogeneous pipeline solver: equal to brute force on random small instances, and by hand.</summary>
public class PipelineTests
{
    private const int Cases = 300;

    public static TheoryData<int> RandomSeeds() => Seeds.Range(Cases);

    /// <summary>
    /// Random DAGs in order (each node reads 1 to 3 earlier nodes or the input, so skip edges abound), 1 to 4 chips
    /// with random speeds, per-pair links (some missing), memory limits that bind, nodes some chips cannot run,
    /// training (reverse links) for a third of them.
    /// </summary>
    private static PipelineProblem Random(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(1, 11), chips = random.Next(1, 5);
        var inputs = new List<IReadOnlyList<int>>();
        for (var j = 0; j < n; j++)
        {
            inputs.Add(j == 0 ? new[] { -1 } : Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(-1, j)).Distinct().ToArray());
        }

        var work = Enumerable.Range(0, n).Select(_ => (double)random.Next(1, 20)).ToArray();
        var bytes = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 8)).ToArray();
        var memory = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 5)).ToArray();
        var speed = Enumerable.Range(0, chips).Select(_ => (double)random.Next(1, 10)).ToArray();
        var total = memory.Sum();
        var chipMemory = Enumerable.Range(0, chips).Select(_ => random.Next(4) == 0 ? double.PositiveInfinity : random.Next(0, (int)total + 2)).ToArray();
        double[,] bandwidth = new double[chips, chips], latency = new double[chips, chips];
        for (var a = 0; a < chips; a++)
        {
            for (var b = 0; b < chips; b++)
            {
                bandwidth[a, b] = random.Next(6) == 0 ? 0 : random.Next(1, 8);
                latency[a, b] = random.Next(0, 3) / 2.0;
            }
        }

        var cannot = new HashSet<(int, int)>(Enumerable.Range(0, random.Next(0, 3)).Select(_ => (random.Next(chips), random.Next(n))));
        var costs = new LinkedChipCosts(inputs, work, bytes, memory, speed, chipMemory, bandwidth, latency, training: random.Next(3) == 0, canRun: (c, j) => !cannot.Contains((c, j)));
        return new PipelineProblem(inputs, chips, costs);
    }

    [Theory]
    [MemberData(nameof(RandomSeeds))]
    public void DpEqualsBruteForce(int seed)
    {
        var problem = Random(seed);

        var dp = PipelineSolver.Solve(problem);
        var brute = BruteForcePipelineSolver.Solve(problem);

        Assert.Equal(brute.Status, dp.Status);
        Assert.Equal(brute.MaxLoad, dp.MaxLoad, 9);
        if (dp.Status == PlacementStatus.Optimal)
        {
            Assert.Equal(dp.MaxLoad, BruteForcePipelineSolver.MaxLoad(problem, dp.ChipOfNode), 12); // its split costs what it says
            Assert.True(dp.ChipOfNode.Zip(dp.ChipOfNode.Skip(1), (a, b) => a <= b).All(x => x), "chips must follow the order");
        }
    }

    [Fact]
    public void RandomCasesCoverFeasibleInfeasibleAndSplits()
    {
        var results = Enumerable.Range(0, Cases).Select(seed => PipelineSolver.Solve(Random(seed))).ToList();

        Assert.Contains(results, r => r.Status == PlacementStatus.Infeasible);
        Assert.True(results.Count(r => r.Status == PlacementStatus.Optimal) >= Cases / 2);
        Assert.Contains(results, r => r.Runs.Count >= 3);
        Assert.Contains(results, r => r.Runs.Count >= 2 && r.Runs[0].Chip > 0); // a chip left empty in front
    }

    // n layers of 1 GFLOP each in a line, 1 MB outputs (1e-3 GB): seconds per sample with GFLOP/s and GB/s.
    private static PipelineProblem Line(int layers, double[] gflops, double gigabytesPerSecond, double linkLatency = 0)
    {
        var inputs = Enumerable.Range(0, layers).Select(j => (IReadOnlyList<int>)new[] { j - 1 }).ToList();
        var chips = gflops.Length;
        double[,] bandwidth = new double[chips, chips], latency = new double[chips, chips];
        for (var a = 0; a < chips; a++)
        {
            for (var b = 0; b < chips; b++)
            {
                (bandwidth[a, b], latency[a, b]) = (gigabytesPerSecond, linkLatency);
            }
        }

        var ones = Enumerable.Repeat(1.0, layers).ToArray();
        var costs = new LinkedChipCosts(
            inputs, ones, Enumerable.Repeat(1e-3, layers).ToArray(), new double[layers], gflops, gflops.Select(_ => double.PositiveInfinity).ToArray(), bandwidth, latency);
        return new PipelineProblem(inputs, chips, costs);
    }

    [Fact]
    public void FastChipTakesEverythingWhenLinksAreSlow()
    {
        // 100 and 1 GFLOP/s: 4 GFLOP take 0.04 s on the fast chip; giving the slow one even a layer costs 1 s.
        var fastFirst = PipelineSolver.Solve(Line(4, new[] { 100.0, 1.0 }, gigabytesPerSecond: 1e-3));
        var fastSecond = PipelineSolver.Solve(Line(4, new[] { 1.0, 100.0 }, gigabytesPerSecond: 1e-3));

        Assert.Equal(0.04, fastFirst.MaxLoad, 12);
        Assert.Equal(new[] { 0, 0, 0, 0 }, fastFirst.ChipOfNode);
        Assert.Equal(0.04, fastSecond.MaxLoad, 12);
        Assert.Equal(new[] { 1, 1, 1, 1 }, fastSecond.ChipOfNode); // chip 0 stays empty
        Assert.Equal(PlacementStatus.Optimal, fastSecond.Status);
    }

    [Fact]
    public void EqualChipsSplitInHalfWhenTheLinkIsFast()
    {
        // 10 GFLOP/s each: 2 layers per chip take 0.2 s; the 1 MB activation takes 1 ms at 1 GB/s.
        var result = PipelineSolver.Solve(Line(4, new[] { 10.0, 10.0 }, gigabytesPerSecond: 1));

        Assert.Equal(0.2, result.MaxLoad, 12);
        Assert.Equal(new[] { 0, 0, 1, 1 }, result.ChipOfNode);
        Assert.Equal(new[] { 0.2, 0.2 }, result.Runs.Select(r => r.Cost).ToArray());
    }

    [Fact]
    public void EqualChipsStayTogetherWhenTheLinkIsSlow()
    {
        // At 1 MB/s the activation takes 1 s: any split costs more than the 0.4 s of one chip doing all.
        var result = PipelineSolver.Solve(Line(4, new[] { 10.0, 10.0 }, gigabytesPerSecond: 1e-3));

        Assert.Equal(0.4, result.MaxLoad, 12);
        Assert.Single(result.Runs);
    }

    [Fact]
    public void SkipConnectionsTravelOnTheirOwnLink()
    {
        // 0 -> 1 -> 2, and 2 also reads 0: on three chips, chip 2 receives node 0's output from chip 0 and node 1's
        // from chip 1. Chip speeds make the three-way split best; 0.5 s of latency per link shows up once per link.
        var inputs = new IReadOnlyList<int>[] { new[] { -1 }, new[] { 0 }, new[] { 1, 0 } };
        double[,] bandwidth = { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } }, latency = { { 0.5, 0.5, 0.5 }, { 0.5, 0.5, 0.5 }, { 0.5, 0.5, 0.5 } };
        var costs = new LinkedChipCosts(inputs, new[] { 10.0, 10.0, 10.0 }, new[] { 0.25, 0.25, 0.25 }, new double[3], new[] { 10.0, 10.0, 10.0 }, new[] { 1e9, 1e9, 1e9 }, bandwidth, latency);

        var result = PipelineSolver.Solve(new PipelineProblem(inputs, 3, costs));

        Assert.Equal(new[] { 0, 1, 2 }, result.ChipOfNode);
        Assert.Equal(1.0, result.MaxLoad, 12); // compute 1 s each; each link 0.5 + 0.25 s
        Assert.Equal(1.0, BruteForcePipelineSolver.Solve(new PipelineProblem(inputs, 3, costs)).MaxLoad, 12);
    }

    [Fact]
    public void NothingFitsIsInfeasible()
    {
        var inputs = new IReadOnlyList<int>[] { new[] { -1 }, new[] { 0 } };
        var none = new double[2, 2];
        var costs = new LinkedChipCosts(inputs, new[] { 1.0, 1.0 }, new[] { 1.0, 1.0 }, new[] { 5.0, 5.0 }, new[] { 1.0, 1.0 }, new[] { 4.0, 4.0 }, none, none);

        var result = PipelineSolver.Solve(new PipelineProblem(inputs, 2, costs));

        Assert.Equal(PlacementStatus.Infeasible, result.Status);
        Assert.True(double.IsPositiveInfinity(result.MaxLoad));
        Assert.Empty(result.ChipOfNode);
    }

    [Fact]
    public void BudgetGivesTheBestFoundAsFallback()
    {
        var problem = Line(40, Enumerable.Range(1, 6).Select(i => (double)i).ToArray(), gigabytesPerSecond: 1);

        var cut = PipelineSolver.Solve(problem, new PipelineOptions { MaxStatesExamined = 300 });
        var full = PipelineSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Fallback, cut.Status);
        Assert.Equal(PlacementStatus.Optimal, full.Status);
        Assert.True(cut.MaxLoad >= full.MaxLoad);
        Assert.True(cut.StatesExamined <= 301);
    }

    [Theory]
    [InlineData(2, 5, "node 2: input #0 is 5, but a node reads only earlier nodes (0..1) or the network input (-1)")]
    [InlineData(1, -2, "node 1: input #0 is -2, but a node reads only earlier nodes (0..0) or the network input (-1)")]
    public void BadInputsNameTheNode(int node, int input, string message)
    {
        var inputs = Enumerable.Range(0, 3).Select(j => (IReadOnlyList<int>)new[] { j == node ? input : j - 1 }).ToList();

        var error = Assert.Throws<ArgumentException>(() => new PipelineProblem(inputs, 2, new NoCosts()));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void ChipCountOutsideTheLimitsIsNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => new PipelineProblem(new IReadOnlyList<int>[0], 0, new NoCosts()));

        Assert.StartsWith("chips must be between 1 and 4096, got 0", error.Message);
    }

    private sealed class NoCosts : IPipelineCosts
    {
        public double RunCost(int start, int end, int chip, ReadOnlySpan<int> frontier, ReadOnlySpan<int> frontierChips) => 0;

        public double RunLowerBound(int start, int end, int chip) => 0;
    }
}
