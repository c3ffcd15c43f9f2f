using System;
using System.Linq;
using Sdk.Placement;

namespace Sdk.Compiler.Tests;

/// <summary>
/// Automatic placement with each chip's own speed and memory and each pair's own link: exact over its family
/// (runs of the layer order over the chips in id order), against brute force, and its optimum is what the
/// compiled plan costs.
/// </summary>
public class PlacementTests
{
    private static LayerSpec Dense(string name, int units, params string[] inputs) =>
        new(name, LayerKind.Dense, new LayerArguments { Size = units, Bias = true }, inputs.Length == 0 ? LayerSpec.ReadsPrevious : EquatableArray.Of(inputs));

    [Fact]
    public void AFastChipTakesEverythingWhenTheLinkIsSlow()
    {
        // 100 and 1 GFLOP/s, 1 KB/s between them: any cut costs more than all the compute on the fast chip.
        var spec = new NetworkSpec(
            "Net",
            EquatableArray.Of(64),
            PlacementMode.Auto,
            EquatableArray.Of(new ChipSpec(0, "fast", 100), new ChipSpec(1, "slow", 1)),
            EquatableArray.Of(new LinkSpec(0, 1, 1e-6)),
            EquatableArray.Of(Dense("A", 256), Dense("B", 256), Dense("C", 10)));

        var outcome = NetworkPlacement.Place(spec);
        var plan = NetworkPlan.Compile(outcome.Spec!);

        Assert.All(plan.Layers, l => Assert.Equal(0, l.Chip));
        Assert.Empty(plan.Cuts);
        var info = Assert.Single(outcome.Diagnostics, d => d.Id == DiagnosticRules.AutoPlacement.Id);
        var flops = plan.Chips[0].Flops; // 2·64·256 + 256 + 2·256·256 + 256 + 2·256·10 + 10 = 169,482
        Assert.Equal(169482, flops);
        Assert.Contains($"max-load {Math.Round(flops / 100e9 * 1e6, 3).ToString(System.Globalization.CultureInfo.InvariantCulture)} µs per sample (optimal)", info.Message);
    }

    [Fact]
    public void AFastLinkLetsTheSlowChipTakeWhatPaysOff()
    {
        // A: 16,512 FLOPs, B and C: 32,896 each. All on the fast chip: 82,304 / 30e9 = 2.74 µs; with C on the half-speed
        // chip over a fast link: max(49,408 / 30e9, 32,896 / 15e9) = 2.19 µs.
        var spec = new NetworkSpec(
            "Net",
            EquatableArray.Of(64),
            PlacementMode.Auto,
            EquatableArray.Of(new ChipSpec(0, "fast", 30), new ChipSpec(1, "slow", 15)),
            EquatableArray.Of(new LinkSpec(0, 1, 1000)),
            EquatableArray.Of(Dense("A", 128), Dense("B", 128), Dense("C", 128)));

        var plan = NetworkPlan.Compile(NetworkPlacement.Place(spec).Spec!);
        Assert.Equal(new[] { 0, 0, 1 }, plan.Layers.Select(l => l.Chip));
        Assert.Equal(CostModel.Of(plan).MaxLoad, Math.Max(49408 / 30e9, 32896 / 15e9), 15);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void TheOptimumEqualsBruteForceOnRandomHeterogeneousNetworks(bool training, bool readsInput)
    {
        var random = new Random(7);
        var compared = 0;
        for (var trial = 0; trial < 120; trial++)
        {
            var chips = random.Next(1, 4);
            var spec = RandomNetworks.Create(random, chips, readsInput) with { Placement = training ? PlacementMode.AutoTraining : PlacementMode.Auto };
            var outcome = NetworkPlacement.Place(spec);
            var resolved = LayerResolver.Resolve(spec with { Layers = spec.Layers.Select(l => l with { OnChip = null }).ToEquatableArray() }, null, new())!;
            var costs = new PipelineCosts(spec, resolved, training);
            var inputs = Enumerable.Range(0, costs.Count).Select(costs.Inputs).ToArray();
            var brute = BruteForcePipelineSolver.Solve(new PipelineProblem(inputs, chips, costs));

            if (brute.Status == PlacementStatus.Infeasible)
            {
                Assert.Null(outcome.Spec);
                Assert.Contains(outcome.Diagnostics, d => d.Id == DiagnosticRules.PlacementImpossible.Id);
                continue;
            }

            var placed = NetworkCompiler.Build(outcome.Spec!, new())!;
            Assert.Equal(brute.MaxLoad, CostModel.Of(placed, training).MaxLoad, 12);
            compared++;
        }

        Assert.True(compared > 60, $"only {compared} feasible networks compared");
    }

    [Fact]
    public void PlacementIsDeterministic()
    {
        var spec = RandomNetworks.Create(new Random(3), 3) with { Placement = PlacementMode.Auto };
        Assert.Equal(NetworkPlacement.Place(spec), NetworkPlacement.Place(spec));
    }

    [Fact]
    public void ChipsWithoutSpeedsCannotBePlaced()
    {
        var spec = new NetworkSpec("Net", EquatableArray.Of(4), PlacementMode.Auto, EquatableArray.Of(new ChipSpec(0), new ChipSpec(1)), EquatableArray<LinkSpec>.Empty, EquatableArray.Of(Dense("A", 4)));
        var error = Assert.Throws<NetworkCompilationException>(() => NetworkPlan.Compile(spec));
        Assert.Contains("SDK0034: 'Net' cannot be placed automatically: declare every chip with its speed", error.Message);
    }
}
