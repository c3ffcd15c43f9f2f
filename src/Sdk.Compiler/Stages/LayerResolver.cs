using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>A declared layer with its inputs resolved to declared indices (-1 = the network input), its chip and its output shape.</summary>
internal sealed record ResolvedLayer(LayerSpec Spec, int[] Inputs, int Chip, EquatableArray<int> Shape)
{
    public LayerDefinition Definition => LayerDefinitions.Of(Spec.Kind);
}

/// <summary>
/// Resolves every declared layer: its chip (<c>[OnChip]</c> holds until the next one), the layers it reads,
/// its arguments' rules and its output shape, each by its kind's <see cref="LayerDefinition"/>.
/// </summary>
internal static class LayerResolver
{
    /// <summary>The resolved layers, or null when some layer's shape is unknown (its error is reported).</summary>
    public static List<ResolvedLayer>? Resolve(NetworkSpec spec, HashSet<int>? chipIds, List<CompilerDiagnostic> diagnostics)
    {
        var inputValid = SpecChecks.InputShapeValid(spec);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var name = spec.Layers[i].Name;
            var problem = indexOf.ContainsKey(name) ? "another layer of the network has it"
                : name == LayerSpec.NetworkInput ? "it names the network input (Network.Input)"
                : !IsValidName(name) ? "a layer name is non-empty and has no control characters"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.ReservedName, DiagnosticTarget.Layer(i, LayerPart.Property), SpecChecks.Escape(name), "a layer name", problem));
            }

            indexOf[name] = i;
        }

        var resolved = new List<ResolvedLayer>();
        var complete = inputValid;
        var chip = 0;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            // A branch runs on its chip ([Branch] with [OnChip] on one layer is BranchChecks' error).
            chip = layer.Branch ?? layer.OnChip ?? chip;
            if (chip < 0 || (chipIds is not null && !chipIds.Contains(chip)) || (chipIds is null && chip >= MaxImpliedChips))
            {
                var declared = chipIds is null ? $"numbered from 0 (no [Chip] is declared; at most {MaxImpliedChips})" : string.Join(", ", chipIds.OrderBy(c => c));
                var part = layer.Branch is not null ? LayerPart.Branch : layer.OnChip is not null ? LayerPart.OnChip : LayerPart.Attribute;
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.UnknownChip, DiagnosticTarget.Layer(i, part), layer.Name, chip, declared));
                chip = 0;
            }

            var inputs = ResolveInputs(spec, i, indexOf, diagnostics);
            var shape = inputs is not null && inputValid && CheckAnnotations(spec, i, diagnostics)
                ? Infer(spec, i, inputs, resolved, diagnostics)
                : null;
            complete &= shape is not null;
            resolved.Add(new ResolvedLayer(layer, inputs ?? Array.Empty<int>(), chip, shape is null ? EquatableArray<int>.Empty : EquatableArray<int>.Own(shape)));
        }

        return complete ? resolved : null;
    }

    /// <summary>Without any [Chip], chips are implied by [OnChip]; this many at most, so a typo cannot ask for a billion.</summary>
    public const int MaxImpliedChips = 1024;

    private static bool IsValidName(string name) => name.Length > 0 && !name.Any(char.IsControl);

    private static int[]? ResolveInputs(NetworkSpec spec, int i, Dictionary<string, int> indexOf, List<CompilerDiagnostic> diagnostics)
    {
        var layer = spec.Layers[i];
        var inputs = new int[layer.Inputs.Count];
        var known = true;
        for (var k = 0; k < inputs.Length; k++)
        {
            var name = layer.Inputs[k];
            if (name == LayerSpec.Previous)
            {
                inputs[k] = i - 1;
            }
            else if (name == LayerSpec.NetworkInput)
            {
                inputs[k] = -1;
            }
            else if (!indexOf.TryGetValue(name, out inputs[k]))
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.UnknownInput, DiagnosticTarget.Layer(i), layer.Name, SpecChecks.Escape(name), spec.Name));
                known = false;
            }
            else if (inputs[k] >= i)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InputNotDeclaredBefore, DiagnosticTarget.Layer(i), layer.Name, name));
                known = false;
            }
        }

        if (inputs.Length == 0 && !LayerDefinitions.Of(layer.Kind).ReadsSeveral)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.TooFewInputs, DiagnosticTarget.Layer(i), layer.Name, layer.Kind, 0));
            known = false;
        }

        return known ? inputs : null;
    }

    /// <summary>The rules every layer obeys whatever its kind: a known kind, a valid activation, bottleneck ratio and wire format.</summary>
    private static bool CheckAnnotations(NetworkSpec spec, int i, List<CompilerDiagnostic> diagnostics)
    {
        var layer = spec.Layers[i];
        var owner = $"Layer '{layer.Name}'";
        var ok = true;
        void Invalid(LayerPart part, string argument, object value, string rule)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidArgument, DiagnosticTarget.Layer(i, part), owner, argument, value, rule));
            ok = false;
        }

        if (!Enum.IsDefined(typeof(LayerKind), layer.Kind))
        {
            Invalid(LayerPart.Attribute, "Kind", (int)layer.Kind, "a value of Sdk.Compiler.LayerKind");
            return false;
        }

        if (!Enum.IsDefined(typeof(Activation), layer.Arguments.Activation))
        {
            Invalid(LayerPart.Attribute, "Activation", (int)layer.Arguments.Activation, "a value of Sdk.Activation");
        }

        if (layer.BottleneckRatio is { } ratio && ratio < 1)
        {
            Invalid(LayerPart.Bottleneck, "Bottleneck Ratio", ratio, "1 or more");
        }

        if (layer.Transfer is { } transfer)
        {
            if (!WireFormats.IsDefined(transfer.Format))
            {
                Invalid(LayerPart.Transfer, "Transfer Format", (int)transfer.Format, "a value of Sdk.WireFormat");
            }
            else if (!transfer.IsValid)
            {
                Invalid(LayerPart.Transfer, "Transfer Bits", transfer.Bits, transfer.Format == WireFormat.Truncated
                    ? $"from 1 to {WireEncoding.MaxBits} with Format = WireFormat.Truncated"
                    : $"unset (0) with Format = WireFormat.{transfer.Format}: only Truncated takes Bits");
            }
        }

        return ok;
    }

    private static int[]? Infer(NetworkSpec spec, int i, int[] inputs, List<ResolvedLayer> resolved, List<CompilerDiagnostic> diagnostics)
    {
        var shapes = new List<(string, EquatableArray<int>)>();
        foreach (var source in inputs)
        {
            if (source < 0)
            {
                shapes.Add((LayerSpec.NetworkInput, spec.InputShape));
            }
            else if (resolved[source].Shape.IsEmpty)
            {
                return null; // its own error is reported
            }
            else
            {
                shapes.Add((spec.Layers[source].Name, resolved[source].Shape));
            }
        }

        var layer = spec.Layers[i];
        return LayerDefinitions.Of(layer.Kind).Infer(new LayerCheck(layer, i, shapes, diagnostics));
    }
}
