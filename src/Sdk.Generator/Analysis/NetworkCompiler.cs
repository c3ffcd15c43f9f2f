using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;
using Sdk.Generator.Parsing;

namespace Sdk.Generator.Analysis;

/// <summary>
/// The analysis stage: spec in, plan out. Validates the network, infers shapes, places layers on chips,
/// partitions (cuts, bottlenecks, wire formats), counts, and reports. Pure: no Roslyn symbols, never throws.
/// </summary>
internal static class NetworkCompiler
{
    public sealed record Result(GeneratorOutput? Output, EquatableArray<DiagnosticInfo> Diagnostics);

    public static Result Compile(NetworkParser.Result parsed)
    {
        var diagnostics = parsed.Diagnostics.ToList();
        if (parsed.Spec is not { } spec)
        {
            return new Result(null, diagnostics.ToEquatableArray());
        }

        var resolved = Resolve(spec, diagnostics);
        PlanModel? plan = null;
        var planIndexOfDeclared = new int[spec.Layers.Count];
        if (resolved is not null && !HasErrors(diagnostics))
        {
            if (spec.AutoPlacement)
            {
                resolved = LayerPlacement.Place(spec, resolved, diagnostics);
            }
            else
            {
                LayerPlacement.Check(spec, resolved, diagnostics);
            }
        }

        if (resolved is not null && !HasErrors(diagnostics))
        {
            plan = Partitioner.Partition(spec, resolved, diagnostics, planIndexOfDeclared);
            if (!HasErrors(diagnostics))
            {
                TrafficDiagnostics.Report(spec, plan, diagnostics);
            }

            // Any error (memory, conflicting cuts) means no plan: the build fails and nothing half-valid is emitted.
            plan = HasErrors(diagnostics) ? null : plan;
        }

        var properties = spec.Layers
            .Select((layer, i) => (layer, i))
            .Where(x => x.layer.IsPartialLayerProperty)
            .Select(x => new LayerProperty(x.layer.Name, x.layer.PropertyAccessibility, plan is null ? -1 : planIndexOfDeclared[x.i]))
            .ToEquatableArray();
        var output = new GeneratorOutput(spec.Type, properties, plan);
        return new Result(output, diagnostics.ToEquatableArray());
    }

    private static bool HasErrors(List<DiagnosticInfo> diagnostics) =>
        diagnostics.Any(d => DiagnosticDescriptors.Find(d.Id)?.DefaultSeverity == DiagnosticSeverity.Error);

    /// <summary>A declared layer with its inputs resolved to declared indices (-1 = network input), chip and shape.</summary>
    internal sealed record ResolvedLayer(LayerSpec Spec, int[] Inputs, int Chip, int[] Shape);

    /// <summary>Checks the network-level attributes and every layer; null when a layer's shape is unknown.</summary>
    private static List<ResolvedLayer>? Resolve(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        var name = spec.Type.Name;
        var inputValid = spec.InputShape.Count is 1 or 3 && spec.InputShape.All(d => d > 0);
        if (!inputValid)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, spec.NetworkLocation, name, Shapes.Format(spec.InputShape)));
        }

        if (spec.Layers.IsEmpty)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, spec.NetworkLocation, name));
            return null;
        }

        var chipIds = ChipChecks.Validate(spec, diagnostics);
        var indexOf = new Dictionary<string, int>();
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            indexOf[spec.Layers[i].Name] = i;
        }

        var resolved = new List<ResolvedLayer>();
        var complete = inputValid;
        var chip = 0;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            chip = layer.OnChip ?? chip;
            if (chip < 0 || (chipIds is not null && !chipIds.Contains(chip)))
            {
                var declared = chipIds is null ? "numbered from 0 (no [Chip] is declared)" : string.Join(", ", chipIds.OrderBy(c => c));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownChip, layer.OnChipLocation ?? layer.Location, layer.Name, chip, declared));
            }

            var inputs = new int[layer.Inputs.Count];
            var inputShapes = new List<(string, int[])>();
            var known = true;
            for (var k = 0; k < inputs.Length; k++)
            {
                var inputName = layer.Inputs[k];
                if (inputName == LayerParser.Previous)
                {
                    inputs[k] = i - 1;
                }
                else if (!indexOf.TryGetValue(inputName, out inputs[k]))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownInput, layer.Location, layer.Name, inputName, name));
                    known = false;
                    continue;
                }
                else if (inputs[k] >= i)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputNotDeclaredBefore, layer.Location, layer.Name, inputName));
                    known = false;
                    continue;
                }

                var source = inputs[k];
                if (source < 0)
                {
                    inputShapes.Add(("input", spec.InputShape.ToArray()));
                }
                else if (source < resolved.Count && resolved[source].Shape.Length > 0)
                {
                    inputShapes.Add((spec.Layers[source].Name, resolved[source].Shape));
                }
                else
                {
                    known = false;
                }
            }

            var shape = known && inputValid && layer.Readable ? ShapeInference.Infer(layer, inputShapes, diagnostics) : null;
            complete &= shape is not null;
            resolved.Add(new ResolvedLayer(layer, inputs, chip, shape ?? new int[0]));
        }

        return complete ? resolved : null;
    }
}
