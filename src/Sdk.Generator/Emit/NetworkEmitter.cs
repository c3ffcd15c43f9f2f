using System.Collections.Generic;
using System.Linq;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>
/// The compile step: compiles the placed spec with the compiler core and renders every file of the network.
/// Its output is text and location-free diagnostics, value-equal, so an unchanged network emits nothing new.
/// </summary>
internal static class NetworkEmitter
{
    public static GeneratorOutput Emit(PlacedNetwork placed)
    {
        var network = placed.Input;
        var diagnostics = placed.Lcp.Diagnostics.Concat(placed.Placement.Diagnostics).ToList();
        NetworkPlan? plan = null;
        if (network.Compilable && placed.Placement.Spec is { } spec)
        {
            var result = NetworkCompiler.CompilePlaced(spec);
            diagnostics.AddRange(result.Diagnostics);
            plan = network.ParsedCleanly ? result.Plan : null;
        }

        // Diagnostics about a derived [Lcp] network go to the layer each copy came from.
        diagnostics = diagnostics.Select(placed.Lcp.ToSource).ToList();

        var hint = network.Type.HintName;
        var files = new List<GeneratedFile> { new($"{hint}.Layers.g.cs", LayersEmitter.Emit(network, plan)) };
        if (plan is not null)
        {
            files.Add(new($"{hint}.Plan.g.cs", PlanEmitter.Emit(network.Type, plan)));
            files.Add(new($"{hint}.Traffic.g.cs", TrafficEmitter.Emit(network.Type, plan)));
            foreach (var chip in plan.Chips)
            {
                files.Add(new($"{hint}.Chip{chip.Id}.g.cs", ChipEmitter.Emit(network.Type, plan, chip.Id)));
            }
        }

        return new GeneratorOutput(hint, files.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>After an internal error: the diagnostic and the property stubs, so the build lists only that.</summary>
    public static GeneratorOutput Failed(NetworkInput network, CompilerDiagnostic error) =>
        new(network.Type.HintName,
            EquatableArray.Of(new GeneratedFile($"{network.Type.HintName}.Layers.g.cs", LayersEmitter.Emit(network, plan: null))),
            EquatableArray.Of(error));
}
