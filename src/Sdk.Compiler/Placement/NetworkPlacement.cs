using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>The placement stage's result: the spec with every layer's chip decided (null when impossible) and what it reported.</summary>
public sealed record PlacementOutcome(NetworkSpec? Spec, EquatableArray<CompilerDiagnostic> Diagnostics);

/// <summary>
/// The placement stage. For <c>PlacementMode.Auto</c> it chooses every layer's chip: the declared layers are
/// split into contiguous runs, one per chip, chips taken in id order (the pipeline order), minimising the
/// <see cref="CostModel"/>'s max-load under each chip's memory. For a hand-placed network with declared speeds it
/// warns when that optimum is much better (SDK0032). Its own stage, and its own incremental step in the
/// generator, because it is the expensive one, and its input has no source locations. Its effort is a count of
/// states, never wall time, so a build is the same on a busy machine.
/// </summary>
public static class NetworkPlacement
{
    /// <summary>A hand placement this much worse than the optimum earns a warning.</summary>
    private const double WorthWarning = 0.10;

    public static PlacementOutcome Place(NetworkSpec spec)
    {
        var diagnostics = new List<CompilerDiagnostic>();
        if (spec.Placement is not (PlacementMode.Auto or PlacementMode.AutoTraining))
        {
            CheckHandPlacement(spec, diagnostics);
            return new PlacementOutcome(spec, diagnostics.ToEquatableArray());
        }

        if (BranchChecks.HasBranches(spec))
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.PlacementImpossible, DiagnosticTarget.Network, spec.Name,
                "its branches ([Branch]) fix the chips of their layers; remove Placement or the branches"));
            return new PlacementOutcome(null, diagnostics.ToEquatableArray());
        }

        if (spec.Chips.IsEmpty || spec.Chips.Any(c => !(c.Gflops > 0)))
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.PlacementImpossible, DiagnosticTarget.Network, spec.Name,
                "declare every chip with its speed: [Chip(id, Gflops = ..., MemoryKiB = ...)]"));
            return new PlacementOutcome(null, diagnostics.ToEquatableArray());
        }

        // Shapes first, on one chip; a network with errors is left to the compile stage to report.
        var unplaced = spec with { Placement = PlacementMode.Manual, Layers = spec.Layers.Select(l => l with { OnChip = null }).ToEquatableArray() };
        var resolved = Resolve(unplaced);
        if (resolved is null)
        {
            return new PlacementOutcome(unplaced, diagnostics.ToEquatableArray());
        }

        var costs = new PipelineCosts(spec, resolved, spec.Placement == PlacementMode.AutoTraining);
        var best = PipelineSearch.Solve(costs, spec.Chips.Count);
        if (best.ChipOfLayer is null)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.PlacementImpossible, DiagnosticTarget.Network, spec.Name,
                $"no split of its layers over its {spec.Chips.Count} chips, in chip order, fits every chip's memory with a declared link for every cut"));
            return new PlacementOutcome(null, diagnostics.ToEquatableArray());
        }

        var placed = WithChips(unplaced, best.ChipOfLayer);
        var check = Evaluate(placed, costs.Training);
        if (check is null)
        {
            // An error the shape pass cannot see (a parameter tensor too large): the compile stage reports it.
            return new PlacementOutcome(placed, diagnostics.ToEquatableArray());
        }

        if (Math.Abs(check.Value - best.MaxLoad) > 1e-9 * Math.Max(1e-12, best.MaxLoad))
        {
            throw new InvalidOperationException($"the placement search promised max-load {best.MaxLoad:R} s but the compiled plan costs {check:R} s");
        }

        if (!best.Optimal)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.PlacementFallback, DiagnosticTarget.Network, spec.Name, best.States));
        }

        diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.AutoPlacement, DiagnosticTarget.Network, spec.Name, spec.Chips.Count,
            Microseconds(best.MaxLoad), best.Optimal ? "optimal" : "best found", Describe(spec, best.ChipOfLayer)));
        return new PlacementOutcome(placed, diagnostics.ToEquatableArray());
    }

    /// <summary>The max-load of a placed spec under the cost model, or null when it does not compile.</summary>
    internal static double? Evaluate(NetworkSpec placed, bool training)
    {
        var plan = NetworkCompiler.Build(placed, new List<CompilerDiagnostic>());
        return plan is null ? null : CostModel.Of(plan, training).MaxLoad;
    }

    /// <summary>Warns when the optimum beats a hand placement with declared speeds by more than 10%.</summary>
    private static void CheckHandPlacement(NetworkSpec spec, List<CompilerDiagnostic> diagnostics)
    {
        if (spec.Chips.Count < 2 || spec.Chips.Any(c => !(c.Gflops > 0)) || spec.Links.IsEmpty || BranchChecks.HasBranches(spec))
        {
            // Nothing to compare: one chip, no declared speeds and links to build the cost model from, or
            // branches, which are placed by design (one per chip), not as contiguous runs.
            return;
        }

        var current = Evaluate(spec, training: false);
        var resolved = Resolve(spec with { Layers = spec.Layers.Select(l => l with { OnChip = null }).ToEquatableArray() });
        if (current is not { } load || resolved is null)
        {
            return; // the compile stage reports why
        }

        var best = PipelineSearch.Solve(new PipelineCosts(spec, resolved, training: false), spec.Chips.Count);
        if (best.ChipOfLayer is null || best.MaxLoad >= load * (1 - WorthWarning))
        {
            return;
        }

        var percent = (100 * (1 - (best.MaxLoad / load))).ToString("0", CultureInfo.InvariantCulture);
        diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.BetterPlacementExists, DiagnosticTarget.Network, spec.Name,
            Microseconds(best.MaxLoad), percent, Microseconds(load), Describe(spec, best.ChipOfLayer)));
    }

    private static List<ResolvedLayer>? Resolve(NetworkSpec spec)
    {
        var diagnostics = new List<CompilerDiagnostic>();
        var ids = SpecChecks.Check(spec, diagnostics);
        var layers = spec.Layers.IsEmpty ? null : LayerResolver.Resolve(spec, ids, diagnostics);
        return diagnostics.Any(d => d.Severity == Severity.Error) ? null : layers;
    }

    /// <summary>The spec with <c>[OnChip]</c> on every layer whose chip differs from the previous one's.</summary>
    private static NetworkSpec WithChips(NetworkSpec spec, int[] chipOfLayer) =>
        spec with
        {
            Layers = spec.Layers.Select((l, i) => l with { OnChip = i == 0 || chipOfLayer[i] != chipOfLayer[i - 1] ? chipOfLayer[i] : null }).ToEquatableArray(),
        };

    /// <summary>"chip 0: Stem..L1B2Out (13 layers); chip 1: ..." in declaration order.</summary>
    private static string Describe(NetworkSpec spec, int[] chipOfLayer) =>
        string.Join("; ", Enumerable.Range(0, spec.Layers.Count).GroupBy(i => chipOfLayer[i]).OrderBy(g => g.Key).Select(g =>
        {
            var names = g.Select(i => spec.Layers[i].Name).ToList();
            return $"chip {g.Key}: {names[0]}{(names.Count > 1 ? ".." + names[names.Count - 1] : string.Empty)} ({names.Count} layer{(names.Count == 1 ? string.Empty : "s")})";
        }));

    private static string Microseconds(double seconds) => (seconds * 1e6).ToString("0.###", CultureInfo.InvariantCulture);
}
