using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// What the <c>[Lcp]</c> stage gave: the derived spec (null when the request cannot be met), its diagnostics, and
/// for each derived layer the source layer it was copied from (-1 for the merge; empty when nothing was derived).
/// </summary>
public sealed record LcpOutcome(NetworkSpec? Spec, EquatableArray<CompilerDiagnostic> Diagnostics, EquatableArray<int> Origins)
{
    /// <summary>
    /// A diagnostic about a layer of the derived network, aimed at the source layer it was copied from (the merge
    /// at the <c>[Lcp]</c> attribute), so the generator reports it on an attribute the user wrote.
    /// </summary>
    public CompilerDiagnostic ToSource(CompilerDiagnostic diagnostic)
    {
        var target = diagnostic.Target;
        if (Origins.IsEmpty || target.Kind != TargetKind.Layer || target.Index < 0 || target.Index >= Origins.Count)
        {
            return diagnostic;
        }

        var origin = Origins[target.Index];
        return diagnostic with { Target = origin >= 0 ? target with { Index = origin } : DiagnosticTarget.Lcp };
    }
}

/// <summary>
/// Low-communication parallelism (LCP, arXiv 2003.06464): derives from a single-branch network the network of
/// <c>n</c> narrow branches that <c>[Lcp(Branches = n)]</c> asks for.
/// <list type="bullet">
/// <item>The layers from the first up to the last branch layer (<c>LastBranchLayer</c>; by default the layer
/// before the first Dense) are copied once per branch, copy <c>b</c> named <c>b{b}.Name</c>, reading the copies of
/// what the original read (and the network input where it read that).</item>
/// <item>Widths are divided by <c>n</c>: a Conv2D's filters and a Dense's units; a grouped convolution reading a
/// divided tensor has its groups divided too, so each group keeps its channels. Each must divide exactly (else
/// SDK0042).</item>
/// <item>Branch <c>b</c> runs on chip <c>b</c> (its first layer has <c>[Branch(b)]</c>); a <c>Concat</c> named
/// <c>lcp.merge</c> on <c>MergeChip</c> joins the copies of the last branch layer, channels in branch order, so it
/// has the original's shape when the last branch layer's channels were divided; the layers after it are
/// unchanged and run on the merge chip.</item>
/// </list>
/// The derived spec then compiles like any spec with declared branches (<see cref="BranchChecks"/>): every chip
/// that reads the input gets it over a cut from chip 0, and the copies' last tensors cross to the merge chip.
/// </summary>
public static class LcpTransform
{
    /// <summary>The merge layer's name: not a C# identifier, so no declared layer has it.</summary>
    public const string MergeName = "lcp.merge";

    /// <summary>The name of branch <paramref name="branch"/>'s copy of layer <paramref name="name"/>.</summary>
    public static string ReplicaName(int branch, string name) => $"b{branch}.{name}";

    public static LcpOutcome Apply(NetworkSpec spec)
    {
        if (spec.Lcp is not { } lcp || spec.Layers.IsEmpty)
        {
            // Nothing to derive (a network without layers is the compiler's SDK0027).
            return new LcpOutcome(spec with { Lcp = null }, EquatableArray<CompilerDiagnostic>.Empty, EquatableArray<int>.Empty);
        }

        var diagnostics = new List<CompilerDiagnostic>();
        var n = lcp.Branches;
        void Fail(DiagnosticTarget target, string why) => diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidLcp, target, spec.Name, n, why));

        if (n < 2 || n > LayerResolver.MaxImpliedChips)
        {
            Fail(DiagnosticTarget.Lcp, $"Branches must be from 2 to {LayerResolver.MaxImpliedChips} (one chip each)");
            return Failed(diagnostics);
        }

        if (spec.Placement != PlacementMode.Manual)
        {
            Fail(DiagnosticTarget.Network, $"the branches fix every chip (branch b on chip b, the merge on chip {lcp.MergeChip}), so the network cannot also ask for Placement = {spec.Placement}");
        }

        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.OnChip is not null || layer.Branch is not null)
            {
                Fail(DiagnosticTarget.Layer(i, layer.OnChip is not null ? LayerPart.OnChip : LayerPart.Branch),
                    $"layer '{layer.Name}' has [{(layer.OnChip is not null ? "OnChip" : "Branch")}], but the branches fix every chip (branch b on chip b, the merge on chip {lcp.MergeChip}); remove it");
            }
        }

        CheckChips(spec, lcp, diagnostics);
        var last = LastBranchLayer(spec, lcp, Fail);
        if (last >= 0)
        {
            CheckWidths(spec, n, last, Fail);
            CheckHead(spec, last, Fail);
        }

        return diagnostics.Count > 0 ? Failed(diagnostics) : Derive(spec, lcp, last);
    }

    private static LcpOutcome Failed(List<CompilerDiagnostic> diagnostics) =>
        new(null, diagnostics.ToEquatableArray(), EquatableArray<int>.Empty);

    /// <summary>Branch b needs chip b; the merge needs a chip of the network (without [Chip]: one of 0 to n).</summary>
    private static void CheckChips(NetworkSpec spec, LcpSpec lcp, List<CompilerDiagnostic> diagnostics)
    {
        var n = lcp.Branches;
        var declared = new HashSet<int>(spec.Chips.Select(c => c.Id));
        if (declared.Count > 0)
        {
            var missing = Enumerable.Range(0, n).Where(c => !declared.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidLcp, DiagnosticTarget.Lcp, spec.Name, n,
                    $"its {n} branches run on chips 0 to {n - 1}, but chip{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing)} {(missing.Count > 1 ? "are" : "is")} not declared; add [Chip] for each"));
            }
        }

        var m = lcp.MergeChip;
        var known = declared.Count > 0 ? declared.Contains(m) : m >= 0 && m <= n;
        if (!known)
        {
            var chips = declared.Count > 0
                ? $"the network's chips are {string.Join(", ", declared.OrderBy(c => c))}"
                : $"without [Chip], the chips are the branches' 0 to {n - 1} and at most one more, {n}";
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.MergeOnNoChip, DiagnosticTarget.Lcp,
                $"The [Lcp] merge of '{spec.Name}'", $"0 to {n - 1}", $"MergeChip is {m}, but {chips}"));
        }
    }

    /// <summary>The index of the last layer copied into the branches, or -1 (reported).</summary>
    private static int LastBranchLayer(NetworkSpec spec, LcpSpec lcp, System.Action<DiagnosticTarget, string> fail)
    {
        if (lcp.LastBranchLayer is { } name)
        {
            var index = spec.IndexOf(name);
            if (index < 0)
            {
                fail(DiagnosticTarget.Lcp, $"LastBranchLayer is '{SpecChecks.Escape(name)}', which is not a layer of the network");
            }

            return index;
        }

        var dense = -1;
        for (var i = 0; i < spec.Layers.Count && dense < 0; i++)
        {
            dense = spec.Layers[i].Kind == LayerKind.Dense ? i : -1;
        }

        if (dense <= 0)
        {
            fail(DiagnosticTarget.Lcp, dense == 0
                ? $"its first layer '{spec.Layers[0].Name}' is a Dense layer, so no layer comes before the first Dense to end the branches; name the last branch layer with LastBranchLayer = nameof(...)"
                : "it has no Dense layer, before which the branches end by default; name the last branch layer with LastBranchLayer = nameof(...)");
            return -1;
        }

        return dense - 1;
    }

    /// <summary>Every width in the branches divides by the branch count.</summary>
    private static void CheckWidths(NetworkSpec spec, int n, int last, System.Action<DiagnosticTarget, string> fail)
    {
        var divided = Divided(spec, last);
        for (var i = 0; i <= last; i++)
        {
            var layer = spec.Layers[i];
            var a = layer.Arguments;
            var what = layer.Kind switch
            {
                LayerKind.Conv2D when a.Size % n != 0 => $"{a.Size} filters",
                LayerKind.Conv2D when a.Groups > 1 && ReadsDivided(spec, i, divided) && a.Groups % n != 0 => $"{a.Groups} groups over the divided channels it reads",
                LayerKind.Dense when a.Size % n != 0 => $"{a.Size} units",
                _ => null,
            };
            if (what is not null)
            {
                fail(DiagnosticTarget.Layer(i), $"layer '{layer.Name}' has {what}, which do not divide into {n} equal branches");
            }
        }
    }

    /// <summary>After the branches, a layer reads only the last branch layer (as their merge), later layers and the input.</summary>
    private static void CheckHead(NetworkSpec spec, int last, System.Action<DiagnosticTarget, string> fail)
    {
        for (var i = last + 1; i < spec.Layers.Count; i++)
        {
            foreach (var name in spec.Layers[i].Inputs)
            {
                var source = name == LayerSpec.Previous ? i - 1 : spec.IndexOf(name);
                if (source >= 0 && source < last)
                {
                    fail(DiagnosticTarget.Layer(i),
                        $"layer '{spec.Layers[i].Name}' after the branches reads '{spec.Layers[source].Name}', inside them; after the branches only the last branch layer '{spec.Layers[last].Name}' is read (as the merge of its copies)");
                }
            }
        }
    }

    /// <summary>Per branch layer, whether its output's channels are divided (a Conv2D's or Dense's, or taken from one): the network input's are not.</summary>
    private static bool[] Divided(NetworkSpec spec, int last)
    {
        var divided = new bool[last + 1];
        for (var i = 0; i <= last; i++)
        {
            divided[i] = spec.Layers[i].Kind is LayerKind.Conv2D or LayerKind.Dense || ReadsDivided(spec, i, divided);
        }

        return divided;
    }

    private static bool ReadsDivided(NetworkSpec spec, int i, bool[] divided) =>
        spec.Layers[i].Inputs.Any(name =>
        {
            var source = name == LayerSpec.Previous ? i - 1 : spec.IndexOf(name);
            return source >= 0 && source < i && divided[source];
        });

    private static LcpOutcome Derive(NetworkSpec spec, LcpSpec lcp, int last)
    {
        var n = lcp.Branches;
        var divided = Divided(spec, last);
        var layers = new List<LayerSpec>();
        var origins = new List<int>();
        for (var b = 0; b < n; b++)
        {
            for (var i = 0; i <= last; i++)
            {
                var layer = spec.Layers[i];
                var inputs = layer.Inputs.Select(name => BranchInput(spec, b, i, last, name)).ToEquatableArray();
                layers.Add(layer with
                {
                    Name = ReplicaName(b, layer.Name),
                    Arguments = Narrowed(layer, n, ReadsDivided(spec, i, divided)),
                    Inputs = inputs,
                    Branch = i == 0 ? b : null,
                });
                origins.Add(i);
            }
        }

        var ends = Enumerable.Range(0, n).Select(b => ReplicaName(b, spec.Layers[last].Name)).ToEquatableArray();
        layers.Add(new LayerSpec(MergeName, LayerKind.Concat, LayerArguments.None, ends, OnChip: lcp.MergeChip));
        origins.Add(-1);
        for (var i = last + 1; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            layers.Add(layer with { Inputs = layer.Inputs.Select(name => name == spec.Layers[last].Name ? MergeName : name).ToEquatableArray() });
            origins.Add(i);
        }

        var derived = spec with { Lcp = null, Layers = layers.ToEquatableArray() };
        return new LcpOutcome(derived, EquatableArray<CompilerDiagnostic>.Empty, origins.ToEquatableArray());
    }

    /// <summary>What branch <paramref name="b"/>'s copy of layer <paramref name="i"/> reads for the original's <paramref name="name"/>.</summary>
    private static string BranchInput(NetworkSpec spec, int b, int i, int last, string name)
    {
        if (name == LayerSpec.Previous)
        {
            return i == 0 ? LayerSpec.NetworkInput : ReplicaName(b, spec.Layers[i - 1].Name);
        }

        var source = spec.IndexOf(name);
        return source >= 0 && source <= last ? ReplicaName(b, name) : name;
    }

    /// <summary>The layer's arguments with its width divided by <paramref name="n"/> (groups too, when it reads divided channels).</summary>
    private static LayerArguments Narrowed(LayerSpec layer, int n, bool readsDivided)
    {
        var a = layer.Arguments;
        return layer.Kind switch
        {
            LayerKind.Conv2D => a with { Size = a.Size / n, Groups = a.Groups > 1 && readsDivided ? a.Groups / n : a.Groups },
            LayerKind.Dense => a with { Size = a.Size / n },
            _ => a,
        };
    }
}
