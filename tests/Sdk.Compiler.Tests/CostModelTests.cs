using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler.Tests;

/// <summary>
/// The placement solver's cost of a run (<see cref="PipelineCosts"/>) is the compiled plan's cost
/// (<see cref="CostModel"/>, <see cref="ChipTotals"/>), figure by figure, for random networks split at random:
/// FLOPs (forward, and backward in training), memory (parameters and peak activations) and every link's time.
/// </summary>
public class CostModelTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ARunCostsWhatTheCompiledPlanCosts(bool training, bool readsInput)
    {
        var random = new Random(2026);
        var checkedRuns = 0;
        var inputCuts = 0;
        for (var trial = 0; trial < 300; trial++)
        {
            var chips = random.Next(1, 5);
            var spec = RandomNetworks.Create(random, chips, readsInput);
            var chipOf = RandomNetworks.Split(random, spec.Layers.Count, chips);
            var placed = RandomNetworks.Placed(spec, chipOf);
            var diagnostics = new List<CompilerDiagnostic>();
            var plan = NetworkCompiler.Build(placed, diagnostics);
            var resolved = LayerResolver.Resolve(spec with { Layers = spec.Layers.Select(l => l with { OnChip = null }).ToEquatableArray() }, null, new List<CompilerDiagnostic>())!;
            var costs = new PipelineCosts(spec, resolved, training);
            if (plan is null)
            {
                // Only readers of one cut asking for different settings keep a random network from compiling.
                Assert.All(diagnostics.Where(d => d.Severity == Severity.Error), d => Assert.Equal(DiagnosticRules.ConflictingCutSettings.Id, d.Id));
                continue;
            }

            var loads = CostModel.Of(plan, training);
            inputCuts += plan.Cuts.Count(c => c.IsInput);

            for (var chip = 0; chip < chips; chip++)
            {
                var run = Enumerable.Range(0, chipOf.Length).Where(i => chipOf[i] == chip).ToArray();
                if (run.Length == 0)
                {
                    continue;
                }

                var (start, end) = (run[0], run[^1] + 1);
                // What the solver passes: the earlier layers the run reads, as it sees them (a later reader of the input reads the first layer).
                var frontier = Enumerable.Range(0, start).Where(s => Enumerable.Range(start, end - start).Any(i => costs.Inputs(i).Contains(s))).ToArray();
                var figures = costs.Figures(start, end, chip, frontier, frontier.Select(s => chipOf[s]).ToArray());
                if (figures is null)
                {
                    // The solver refuses a cut with no link to cross (the plan only warns, SDK0026).
                    Assert.True(plan.Cuts.Any(c => c.ToChip == chip && plan.LinkBetween(c.FromChip, c.ToChip) is null && !spec.Links.IsEmpty),
                        $"trial {trial}, chip {chip}: the solver refuses a run the plan accepts");
                    continue;
                }

                var info = plan.Chips[chip];
                Assert.Equal(info.Flops + (training ? info.BackwardFlops : 0), figures.Flops);
                Assert.Equal(info.ParameterBytes + info.PeakActivationBytes, figures.MemoryBytes);
                Assert.Equal(plan.Cuts.Where(c => c.ToChip == chip).Select(c => c.FromChip).Distinct().Order(), figures.LinkSeconds.Keys.Order());
                foreach (var (from, seconds) in figures.LinkSeconds)
                {
                    Assert.Equal(Load(loads, from, chip), seconds.Forward, 12);
                    if (training)
                    {
                        Assert.Equal(Load(loads, chip, from), seconds.Backward, 12);
                    }
                }

                checkedRuns++;
            }
        }

        Assert.True(checkedRuns > 300, $"only {checkedRuns} runs compared");
        Assert.True(readsInput ? inputCuts > 20 : inputCuts == 0, $"{inputCuts} input cuts");
    }

    private static double Load(StageLoads loads, int from, int to) =>
        loads.Links.FirstOrDefault(l => l.FromChip == from && l.ToChip == to)?.Seconds ?? 0;
}
