using System.Linq;
using Sdk.Generator.Analysis;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>Emits <c>X.Plan.g.cs</c>: the plan as constants (layers, chips, links, cuts) and the INetwork contract.</summary>
internal static class PlanEmitter
{
    private const string Runtime = "global::Sdk.Runtime";

    public static string Emit(TypeSpec type, PlanModel plan)
    {
        var w = new SourceWriter();
        w.InType(type, $"{Runtime}.INetwork", () =>
        {
            w.Line($"/// <summary>The compiled plan of <c>{plan.Name}</c>: {Literals.Plural(plan.Layers.Count, "layer")} on {Literals.Plural(plan.Chips.Count, "chip")}, {Literals.Plural(plan.Cuts.Count, "cut")}.</summary>");
            w.Line($"public static {Runtime}.NetworkPlan Plan {{ get; }} = new {Runtime}.NetworkPlan");
            w.Open();
            w.Line($"Name = {Literals.Quoted(plan.Name)},");
            w.Line($"InputShape = {Literals.Ints(plan.InputShape)},");
            w.Line($"Chips = new {Runtime}.ChipInfo[]");
            w.Open();
            foreach (var chip in plan.Chips)
            {
                w.Line($"new() {{ Id = {chip.Id}, Name = {Literals.Quoted(chip.Name)}, Gflops = {Literals.Double(chip.Gflops)}, MemoryBytes = {Literals.Long(chip.MemoryBytes)}, " +
                    $"LayerCount = {chip.LayerCount}, Flops = {Literals.Long(chip.Flops)}, Parameters = {Literals.Long(chip.Parameters)}, " +
                    $"ParameterBytes = {Literals.Long(chip.ParameterBytes)}, PeakActivationBytes = {Literals.Long(chip.PeakActivationBytes)} }},");
            }

            w.Close(",");
            w.Line($"Links = new {Runtime}.LinkInfo[]");
            w.Open();
            foreach (var link in plan.Links)
            {
                w.Line($"new() {{ ChipA = {link.ChipA}, ChipB = {link.ChipB}, GigabytesPerSecond = {Literals.Double(link.GigabytesPerSecond)}, " +
                    $"LatencyMicroseconds = {Literals.Double(link.LatencyMicroseconds)}, BudgetBytesPerSample = {Literals.Long(link.BudgetBytesPerSample)} }},");
            }

            w.Close(",");
            w.Line($"Layers = new {Runtime}.LayerInfo[]");
            w.Open();
            foreach (var layer in plan.Layers)
            {
                WriteLayer(w, layer);
            }

            w.Close(",");
            w.Line("Cuts = __SdkCuts(),");
            w.Line("TrafficMarkdown = __SdkTrafficMarkdown,");
            w.Line("TrafficJson = __SdkTrafficJson,");
            w.Close(";");
            w.Line();
            w.Line("/// <summary>The generated ILGPU program of each chip (see the Chip{n}.g.cs files).</summary>");
            var programs = string.Join(", ", plan.Chips.Select(c => $"new __SdkChip{c.Id}()"));
            w.Line($"public static global::Sdk.Runtime.Ilgpu.IlgpuChipProgram[] CreateIlgpuPrograms() => new global::Sdk.Runtime.Ilgpu.IlgpuChipProgram[] {{ {programs} }};");
        });
        return w.ToString();
    }

    private static void WriteLayer(SourceWriter w, PlannedLayer layer)
    {
        var a = layer.Arguments;
        w.Line($"// {layer.Index}: {layer.Name}, {layer.Kind} on chip {layer.Chip}, output {Shapes.Format(layer.OutputShape)}");
        w.Line("new()");
        w.Open();
        w.Line($"Index = {layer.Index}, Name = {Literals.Quoted(layer.Name)}, Kind = {Runtime}.LayerKind.{layer.Kind}, Chip = {layer.Chip}, Declared = {Literals.Bool(layer.Declared)},");
        w.Line($"Inputs = {Literals.Ints(layer.Inputs)}, OutputShape = {Literals.Ints(layer.OutputShape)},");
        var parameters = string.Join(", ", layer.Parameters.Select(p =>
            $"new() {{ Name = {Literals.Quoted(p.Name)}, Shape = {Literals.Ints(p.Shape)}, Trainable = {Literals.Bool(p.Trainable)} }}"));
        w.Line(layer.Parameters.IsEmpty
            ? $"Parameters = global::System.Array.Empty<{Runtime}.ParameterInfo>(),"
            : $"Parameters = new {Runtime}.ParameterInfo[] {{ {parameters} }},");
        w.Line($"Macs = {Literals.Long(layer.Macs)}, Flops = {Literals.Long(layer.Flops)}, FoldedInto = {layer.FoldedInto},");
        w.Line($"Size = {a.Size}, Kernel = {a.Kernel}, Stride = {a.Stride}, Padding = {a.Padding}, Dilation = {a.Dilation}, Groups = {a.Groups}, Bias = {Literals.Bool(a.Bias)},");
        w.Line($"Activation = {Literals.Activation(a.Activation)}, Epsilon = {Literals.Double(a.Epsilon)}, Momentum = {Literals.Double(a.Momentum)}, Rate = {Literals.Double(a.Rate)},");
        w.Close(",");
    }
}
