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
    [InlineData(false)]
    [InlineData(true)]
    public void ARunCostsWhatTheCompiledPlanCosts(bool training)
    {
        var random = new Random(2026);
        var checkedRuns = 0;
        for (var trial = 0; trial < 300; trial++)
        {
            var chips = random.Next(1, 5);
            var spec = RandomNetworks.Create(random, chips);
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

            for (var chip = 0; chip < chips; chip++)
            {
                var run = Enumerable.Range(0, chipOf.Length).Where(i => chipOf[i] == chip).ToArray();
                if (run.Length == 0)
                {
                    continue;
                }

                var (start, end) = (run[0], run[^1] + 1);
                var frontier = Enumerable.Range(0, start).Where(s => resolved.Skip(start).Take(end - start).Any(l => l.Inputs.Contains(s))).ToArray();
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
    }

    private static double Load(StageLoads loads, int from, int to) =>
        loads.Links.FirstOrDefault(l => l.FromChip == from && l.ToChip == to)?.Seconds ?? 0;
}
