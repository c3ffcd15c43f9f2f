using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sdk.Placement;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;
using static Sdk.Generator.Analysis.NetworkCompiler;

namespace Sdk.Generator.Analysis;

/// <summary>
/// Chooses chips for the layers (<c>Placement = PlacementMode.Auto</c>) or checks a hand placement against the
/// optimum, with the max-load cost model of the device-placement paper built from the network's own counts:
/// a layer costs its FLOPs / the chip's GFLOP/s, a tensor crossing chips costs latency + bytes / bandwidth of
/// the declared link, and a chip holds at most its memory in parameters.
/// </summary>
internal static class LayerPlacement
{
    /// <summary>Bounded effort in deterministic counts only: the build never depends on the machine's speed.</summary>
    private static readonly PlacementSolverOptions BuildBudget = new() { MaxIdeals = 50_000, MaxIdealPairs = 20_000_000 };

    /// <summary>A hand placement this much worse than the optimum earns a warning.</summary>
    private const double WorthWarning = 0.10;

    public static List<ResolvedLayer> Place(NetworkSpec spec, List<ResolvedLayer> layers, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Chips.Count < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PlacementImpossible, spec.NetworkLocation, spec.Type.Name, "declare the chips with [Chip(id, Gflops = ..., MemoryKiB = ...)]"));
            return layers;
        }

        var problem = Problem(spec, layers);
        var result = PlacementSolver.Solve(problem, BuildBudget);
        if (result.Status == PlacementStatus.Infeasible)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PlacementImpossible, spec.NetworkLocation, spec.Type.Name,
                $"no split of its layers over {spec.Chips.Count} chips fits {FormatMemory(problem.MaxMemoryPerAccelerator)} of parameters per chip"));
            return layers;
        }

        ReportFallback(spec, result, diagnostics);
        var placed = layers.Select((l, i) => l with { Chip = result.DeviceOfNode[i].Index }).ToList();
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AutoPlacement, spec.NetworkLocation, spec.Type.Name, spec.Chips.Count,
            Micro(result.MaxLoad), result.Status == PlacementStatus.Optimal ? "optimal" : "fallback", Describe(placed)));
        return placed;
    }

    /// <summary>Warns when the optimum beats the hand placement by more than 10%.</summary>
    public static void Check(NetworkSpec spec, List<ResolvedLayer> layers, List<DiagnosticInfo> diagnostics)
    {
        var chips = layers.Max(l => l.Chip) + 1;
        if (chips < 2 || spec.Chips.Count != chips || spec.Chips.Any(c => c.Gflops <= 0) || spec.Links.IsEmpty)
        {
            return; // nothing to compare: one chip, or no declared speeds and links to build the cost model from
        }

        var problem = Problem(spec, layers);
        var current = PlacementEvaluator.Evaluate(problem, layers.Select((l, i) => (i, DeviceId.Accelerator(l.Chip))).ToDictionary(x => x.i, x => x.Item2));
        var best = PlacementSolver.Solve(problem, BuildBudget);
        if (best.Status == PlacementStatus.Infeasible || double.IsInfinity(current.MaxLoad) || best.MaxLoad >= current.MaxLoad * (1 - WorthWarning))
        {
            return;
        }

        ReportFallback(spec, best, diagnostics);
        var suggested = layers.Select((l, i) => l with { Chip = best.DeviceOfNode[i].Index }).ToList();
        var percent = (100 * (1 - (best.MaxLoad / current.MaxLoad))).ToString("0", CultureInfo.InvariantCulture);
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BetterPlacementExists, spec.NetworkLocation, spec.Type.Name,
            Micro(best.MaxLoad), percent, Micro(current.MaxLoad), Describe(suggested)));
    }

    /// <summary>The placement problem in microseconds: one node per declared layer, one edge per data dependency.</summary>
    internal static PlacementProblem Problem(NetworkSpec spec, List<ResolvedLayer> layers)
    {
        var gflops = spec.Chips.Count > 0 && spec.Chips[0].Gflops > 0 ? spec.Chips[0].Gflops : 1;
        var link = spec.Links.FirstOrDefault();
        var nodes = new List<PlacementNode>();
        var edges = new List<PlacementEdge>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var inputs = layer.Inputs.Select(j => j < 0 ? (IReadOnlyList<int>)spec.InputShape : layers[j].Shape).ToList();
            var flops = LayerCounts.Flops(layer.Spec.Kind, layer.Spec.Arguments, inputs, layer.Shape);
            var parameters = LayerCounts.Parameters(layer.Spec.Name, layer.Spec.Kind, layer.Spec.Arguments, inputs[0], layer.Shape);
            var latency = flops / (gflops * 1e3); // FLOPs / (GFLOP/s) in microseconds
            nodes.Add(new PlacementNode(i, latency, latency, 4.0 * parameters.Sum(p => p.Elements)));

            var bytes = 4 * Shapes.Elements(layer.Shape);
            var cost = link is null ? 0 : link.LatencyMicroseconds + (bytes / (link.GigabytesPerSecond * 1e3));
            foreach (var reader in Enumerable.Range(i + 1, layers.Count - i - 1).Where(r => layers[r].Inputs.Contains(i)))
            {
                edges.Add(new PlacementEdge(i, reader, cost));
            }
        }

        var memory = spec.Chips.Count > 0 && spec.Chips.All(c => c.MemoryKiB > 0) ? spec.Chips.Min(c => c.MemoryKiB) * 1024.0 : double.PositiveInfinity;
        return new PlacementProblem(nodes, edges, Math.Max(1, spec.Chips.Count), 0, memory);
    }

    private static void ReportFallback(NetworkSpec spec, PlacementResult result, List<DiagnosticInfo> diagnostics)
    {
        if (result.Status == PlacementStatus.Fallback)
        {
            var reason = result.FallbackReason == FallbackReason.TooManyIdeals ? "the layer graph has too many ideals" : "over the build's search budget";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PlacementFallback, spec.NetworkLocation, spec.Type.Name, reason));
        }
    }

    /// <summary>"chip 0: Stem..L1B2Out (13 layers); chip 1: ..." for the layers in declaration order.</summary>
    private static string Describe(List<ResolvedLayer> layers) =>
        string.Join("; ", layers.GroupBy(l => l.Chip).OrderBy(g => g.Key).Select(g =>
        {
            var names = g.Select(l => l.Spec.Name).ToList();
            return $"chip {g.Key}: {names[0]}{(names.Count > 1 ? ".." + names[names.Count - 1] : string.Empty)} ({names.Count} layer{(names.Count == 1 ? string.Empty : "s")})";
        }));

    private static string Micro(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string FormatMemory(double bytes) => double.IsInfinity(bytes) ? "unlimited memory" : $"{bytes.ToString("0", CultureInfo.InvariantCulture)} bytes";
}
