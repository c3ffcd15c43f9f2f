using System.Collections.Generic;
using System.Linq;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>
/// Emits <c>X.Plan.g.cs</c>: the network's spec as a literal (what the attributes say, with every chip decided),
/// the build's plan fingerprint, and the <c>INetwork</c> members. The runtime compiles the spec with the same
/// compiler and checks the fingerprint, so the plan a program runs is the plan the build reported.
/// </summary>
internal static class PlanEmitter
{
    private const string Compiler = "global::Sdk.Compiler";

    public static string Emit(TypeSpec type, NetworkPlan plan)
    {
        var w = new SourceWriter();
        w.InType(type, "global::Sdk.Runtime.INetwork", () =>
        {
            w.Line($"/// <summary>The compiled plan of <c>{plan.Name}</c>: {Literals.Plural(plan.Layers.Count, "layer")} on {Literals.Plural(plan.Chips.Count, "chip")}, {Literals.Plural(plan.Cuts.Count, "cut")}.</summary>");
            w.Line($"public static {Compiler}.NetworkPlan Plan => __SdkPlan.Value;");
            w.Line();
            w.Line($"private static readonly global::System.Lazy<{Compiler}.NetworkPlan> __SdkPlan =");
            w.Line($"    new(static () => {Compiler}.NetworkPlan.FromBuild(__SdkSpec(), 0x{PlanFingerprint.Of(plan):x16}UL));");
            w.Line();
            w.Line("/// <summary>What the attributes say, every layer's chip decided: the runtime compiles it into <see cref=\"Plan\"/>.</summary>");
            w.Line($"private static {Compiler}.NetworkSpec __SdkSpec() => new(");
            w.Writer.Indent++;
            WriteSpec(w, plan.Spec);
            w.Writer.Indent--;
            w.Line();
            w.Line("/// <summary>The code this network's chips run on backends that need compiled kernels (ILGPU: the Chip{n}.g.cs files).</summary>");
            var cases = string.Join(", ", plan.Chips.Select(c => $"{c.Id} => new __SdkChip{c.Id}()"));
            w.Line("public static global::Sdk.Runtime.Backends.ChipPrograms Programs { get; } = new global::Sdk.Runtime.Backends.ChipPrograms(");
            w.Line($"    global::Sdk.Runtime.Backends.Ilgpu.IlgpuChipProgram.Backend, static chip => chip switch {{ {cases}, _ => null }});");
        });
        return w.ToString();
    }

    private static void WriteSpec(SourceWriter w, NetworkSpec spec)
    {
        w.Line($"{Literals.Quoted(spec.Name)},");
        w.Line($"{Literals.Ints(spec.InputShape)},");
        w.Line($"{Literals.Enum(spec.Placement)},");
        w.Line($"new {Compiler}.ChipSpec[] {{ {string.Join(", ", spec.Chips.Select(Chip))} }},");
        w.Line($"new {Compiler}.LinkSpec[] {{ {string.Join(", ", spec.Links.Select(Link))} }},");
        w.Line($"new {Compiler}.LayerSpec[]");
        w.Open();
        foreach (var layer in spec.Layers)
        {
            w.Line(Layer(layer) + ",");
        }

        w.Close(");");
    }

    private static string Chip(ChipSpec c) =>
        $"new({Literals.Int(c.Id)}, {(c.Name is null ? "null" : Literals.Quoted(c.Name))}, {Literals.Double(c.Gflops)}, {Literals.Long(c.MemoryKiB)})";

    private static string Link(LinkSpec l) =>
        $"new({Literals.Int(l.ChipA)}, {Literals.Int(l.ChipB)}, {Literals.Double(l.GigabytesPerSecond)}, {Literals.Double(l.LatencyMicroseconds)}, {Literals.Long(l.BudgetBytesPerSample)})";

    private static string Layer(LayerSpec l)
    {
        var text = $"new({Literals.Quoted(l.Name)}, {Literals.Enum(l.Kind)}, {Arguments(l.Arguments)}, {Literals.Strings(l.Inputs)}";
        if (l.OnChip is { } chip)
        {
            text += $", OnChip: {Literals.Int(chip)}";
        }

        if (l.BottleneckRatio is { } ratio)
        {
            text += $", BottleneckRatio: {Literals.Int(ratio)}";
        }

        if (l.Transfer is { } transfer)
        {
            // A format alone converts to its encoding; only a truncation spells its bits.
            text += transfer.Bits == 0
                ? $", Transfer: {Literals.Enum(transfer.Format)}"
                : $", Transfer: new global::Sdk.Compiler.WireEncoding({Literals.Enum(transfer.Format)}, {Literals.Int(transfer.Bits)})";
        }

        if (l.Branch is { } branch)
        {
            text += $", Branch: {Literals.Int(branch)}";
        }

        return text + ")";
    }

    /// <summary>Only the fields that differ from the record's defaults, so each layer reads like its attribute.</summary>
    private static string Arguments(LayerArguments a)
    {
        var d = LayerArguments.None;
        var fields = new List<string>();
        void Add(bool differs, string name, string value)
        {
            if (differs)
            {
                fields.Add($"{name} = {value}");
            }
        }

        Add(a.Size != d.Size, "Size", Literals.Int(a.Size));
        Add(a.Kernel != d.Kernel, "Kernel", Literals.Int(a.Kernel));
        Add(a.Stride != d.Stride, "Stride", Literals.Int(a.Stride));
        Add(a.Padding != d.Padding, "Padding", Literals.Int(a.Padding));
        Add(a.Dilation != d.Dilation, "Dilation", Literals.Int(a.Dilation));
        Add(a.Groups != d.Groups, "Groups", Literals.Int(a.Groups));
        Add(a.Bias != d.Bias, "Bias", Literals.Bool(a.Bias));
        Add(a.Activation != d.Activation, "Activation", Literals.Enum(a.Activation));
        Add(!a.Epsilon.Equals(d.Epsilon), "Epsilon", Literals.Double(a.Epsilon));
        Add(!a.Momentum.Equals(d.Momentum), "Momentum", Literals.Double(a.Momentum));
        Add(!a.Rate.Equals(d.Rate), "Rate", Literals.Double(a.Rate));
        return fields.Count == 0 ? $"{Compiler}.LayerArguments.None" : $"new {Compiler}.LayerArguments {{ {string.Join(", ", fields)} }}";
    }
}
