using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler.Tests;

/// <summary>
/// The network input read by name and sent to other chips (input cuts: forward only), declared branches and their
/// rules, and the <c>[Lcp]</c> transform: what it derives, its traffic against arithmetic written here, and its
/// diagnostics.
/// </summary>
public class BranchTests
{
    private static LayerSpec Layer(string name, LayerKind kind, LayerArguments arguments, params string[] inputs) =>
        new(name, kind, arguments, inputs.Length == 0 ? LayerSpec.ReadsPrevious : EquatableArray.Of(inputs));

    private static LayerSpec Dense(string name, int units, params string[] inputs) =>
        Layer(name, LayerKind.Dense, new LayerArguments { Size = units, Bias = true }, inputs);

    private static LayerSpec Conv(string name, int filters, int kernel = 3, int stride = 1, bool bias = true, params string[] inputs) =>
        Layer(name, LayerKind.Conv2D, new LayerArguments { Size = filters, Kernel = kernel, Stride = stride, Padding = kernel / 2, Bias = bias }, inputs);

    private static LayerSpec BatchNorm(string name) =>
        Layer(name, LayerKind.BatchNorm, new LayerArguments { Epsilon = 1e-5, Momentum = 0.1, Activation = Activation.Relu });

    private static LayerSpec Add(string name, params string[] inputs) =>
        Layer(name, LayerKind.Add, new LayerArguments { Activation = Activation.Relu }, inputs);

    private static LayerSpec Pool(string name) => Layer(name, LayerKind.GlobalAvgPool, LayerArguments.None);

    private static NetworkSpec Net(int[] input, params LayerSpec[] layers) =>
        new("Net", EquatableArray.Of(input), PlacementMode.Manual, EquatableArray<ChipSpec>.Empty, EquatableArray<LinkSpec>.Empty, layers.ToEquatableArray());

    /// <summary>
    /// A small residual network on 3x32x32: stem 16, a residual block of 16, a strided block of 32 with a 1x1
    /// projection, global pooling, 10 logits. Written once, single-branch.
    /// </summary>
    private static NetworkSpec Residual(LcpSpec? lcp = null) => Net(new[] { 3, 32, 32 },
        Conv("Stem", 16, bias: false),
        BatchNorm("StemBn"),
        Conv("C1", 16),
        Add("Sum1", LayerSpec.Previous, "StemBn"),
        Conv("Down", 32, stride: 2),
        Conv("Proj", 32, kernel: 1, stride: 2, inputs: "Sum1"),
        Add("Sum2", "Down", "Proj"),
        Pool("Pool"),
        Dense("Logits", 10)) with { Lcp = lcp };

    private static List<CompilerDiagnostic> Errors(NetworkSpec spec) =>
        NetworkCompiler.Compile(spec).Diagnostics.Where(d => d.Severity == Severity.Error).ToList();

    [Fact]
    public void ALayerReadsTheNetworkInputByName()
    {
        var plan = NetworkPlan.Compile(Net(new[] { 16 }, Dense("A", 8), Layer("Both", LayerKind.Concat, LayerArguments.None, "A", Network.Input)));

        Assert.Equal(new[] { 0, -1 }, plan.Layer("Both").Inputs);
        Assert.Equal(new[] { 24 }, plan.Layer("Both").OutputShape); // 8 + 16
        Assert.Empty(plan.Cuts); // one chip: the input crosses nowhere
    }

    [Fact]
    public void TheInputCrossesOnceToEachChipThatReadsIt_ForwardOnly()
    {
        // A (chip 0) and B, C (chip 1) read the input; B asks for Float16. The input crosses 0 -> 1 once for B and
        // C: 16 halves = 32 B, no gradient back. A's 8 floats cross too: 32 B forward, 32 B back.
        var spec = Net(new[] { 16 },
            Dense("A", 8),
            Dense("B", 8, Network.Input) with { OnChip = 1, Transfer = WireFormat.Float16 },
            Dense("C", 8, Network.Input),
            Layer("Out", LayerKind.Concat, LayerArguments.None, "A", "B", "C"));
        var plan = NetworkPlan.Compile(spec);

        Assert.Equal(0, plan.InputChip);
        Assert.Equal(2, plan.Cuts.Count);
        var input = plan.Cuts[0];
        Assert.True(input.IsInput);
        Assert.Equal((Network.Input, -1, 0, 1), (input.From, input.SourceLayer, input.FromChip, input.ToChip));
        Assert.Equal(new[] { "B", "C" }, input.To);
        Assert.Equal((WireFormat.Float16, 16 * 2L, 0L), (input.Format, input.ForwardBytesPerSample, input.BackwardBytesPerSample));
        Assert.Equal(0, input.BackwardBytes(64));
        var a = plan.Cuts[1];
        Assert.Equal(("A", 32L, 32L), (a.From, a.ForwardBytesPerSample, a.BackwardBytesPerSample));
        Assert.Equal((64L, 32L), (plan.ForwardBytesPerSample, plan.BackwardBytesPerSample));
    }

    [Fact]
    public void InTrainingNoLinkCarriesAGradientOfTheInput()
    {
        // Chip 1 reads only the input; the output comes back over its own cut. Link 1 -> 0 carries Out's 4 floats
        // forward; in training link 0 -> 1 carries the input (64 B) and Out's gradient (16 B), nothing else.
        var spec = Net(new[] { 16 }, Dense("A", 4), Dense("B", 4, Network.Input) with { OnChip = 1 }, Add("Out", "A", "B") with { OnChip = 0 })
            with { Links = EquatableArray.Of(new LinkSpec(0, 1, 1, 0)) };
        var plan = NetworkPlan.Compile(spec);

        var training = CostModel.Of(plan, training: true);
        Assert.Equal(64 + 16, training.Links.Single(l => (l.FromChip, l.ToChip) == (0, 1)).Seconds * 1e9, 9); // bytes at 1 GB/s: ns
        Assert.Equal(16, training.Links.Single(l => (l.FromChip, l.ToChip) == (1, 0)).Seconds * 1e9, 9);
    }

    [Fact]
    public void NoLayerMayBeNamedLikeTheInput()
    {
        var error = Assert.Single(Errors(Net(new[] { 4 }, Dense(Network.Input, 4))));
        Assert.Equal("SDK0037: '(input)' cannot be used as a layer name: it names the network input (Network.Input)", error.ToString());
    }

    [Fact]
    public void TheInputCrossesWithoutBottleneck()
    {
        var spec = Net(new[] { 4, 8, 8 }, Conv("A", 4), Conv("B", 4, inputs: Network.Input) with { OnChip = 1, BottleneckRatio = 2 });
        var error = Assert.Single(Errors(spec));
        Assert.Equal("SDK0006: Layer 'B': Bottleneck Ratio is 2; it must be 1 on a layer that reads the network input from chip 0: the input crosses as it is", error.ToString());
        Assert.Equal(DiagnosticTarget.Layer(1, LayerPart.Bottleneck), error.Target);
    }

    [Fact]
    public void LcpCopiesTheLayersUpToTheMergeWithWidthsDivided()
    {
        var derived = LcpTransform.Apply(Residual(new LcpSpec(2))).Spec!;

        // 8 branch layers x 2 branches, the merge, the head.
        Assert.Equal(18, derived.Layers.Count);
        Assert.Null(derived.Lcp);
        var b1 = derived.Layers.Skip(8).Take(8).ToList();
        Assert.Equal(new[] { "b1.Stem", "b1.StemBn", "b1.C1", "b1.Sum1", "b1.Down", "b1.Proj", "b1.Sum2", "b1.Pool" }, b1.Select(l => l.Name));
        Assert.Equal(1, b1[0].Branch);
        Assert.All(b1.Skip(1), l => Assert.Null(l.Branch));
        Assert.Equal(new[] { 8, 8, 16, 16 }, new[] { b1[0], b1[2], b1[4], b1[5] }.Select(l => l.Arguments.Size));
        Assert.Equal(new[] { Network.Input }, b1[0].Inputs);
        Assert.Equal(new[] { "b1.C1", "b1.StemBn" }, b1[3].Inputs);
        Assert.Equal(new[] { "b1.Sum1" }, b1[5].Inputs);
        Assert.Equal(new[] { "b1.Down", "b1.Proj" }, b1[6].Inputs);

        var merge = derived.Layers[16];
        Assert.Equal((LcpTransform.MergeName, LayerKind.Concat, (int?)0), (merge.Name, merge.Kind, merge.OnChip));
        Assert.Equal(new[] { "b0.Pool", "b1.Pool" }, merge.Inputs);
        Assert.Equal(Residual().Layers.Last, derived.Layers[17]); // the head is unchanged
    }

    [Fact]
    public void LcpTrafficAndParameters_FourBranches()
    {
        var plan = NetworkPlan.Compile(Residual(new LcpSpec(4)));

        // The input (3 x 32 x 32 floats, 12,288 B) crosses from chip 0 to chips 1, 2, 3, forward only; each of
        // those branches sends its 32 / 4 = 8 pooled features (32 B) to the merge on chip 0, and gets their
        // gradient back.
        Assert.Equal(6, plan.Cuts.Count);
        Assert.Equal(new[] { (0, 1), (0, 2), (0, 3) }, plan.Cuts.Where(c => c.IsInput).Select(c => (c.FromChip, c.ToChip)));
        Assert.All(plan.Cuts.Where(c => c.IsInput), c => Assert.Equal((12288L, 0L), (c.ForwardBytesPerSample, c.BackwardBytesPerSample)));
        Assert.Equal(new[] { ("b1.Pool", 1), ("b2.Pool", 2), ("b3.Pool", 3) }, plan.Cuts.Where(c => !c.IsInput).Select(c => (c.From, c.FromChip)));
        Assert.All(plan.Cuts.Where(c => !c.IsInput), c => Assert.Equal((0, 32L, 32L), (c.ToChip, c.ForwardBytesPerSample, c.BackwardBytesPerSample)));
        Assert.Equal((3 * 12288L) + (3 * 32), plan.ForwardBytesPerSample);
        Assert.Equal(3 * 32L, plan.BackwardBytesPerSample);

        // Per branch: Stem 4·3·9 = 108 (no bias), StemBn 2·4 = 8, C1 4·4·9 + 4 = 148, Down 8·4·9 + 8 = 296,
        // Proj 8·4 + 8 = 40: 600. Logits 10·32 + 10 = 330, on the merge chip.
        Assert.Equal(new long[] { 930, 600, 600, 600 }, plan.Chips.Select(c => c.Parameters));
        Assert.Equal(new[] { 32, 1, 1 }, plan.Layer(LcpTransform.MergeName).OutputShape); // the original's width again
    }

    [Fact]
    public void LcpWithItsOwnMergeChip()
    {
        // Merge on a fifth chip: chips 1-3 get the input (chip 4 does not read it); all four branches send 32 B.
        var plan = NetworkPlan.Compile(Residual(new LcpSpec(4, MergeChip: 4)));

        Assert.Equal(5, plan.Chips.Count);
        Assert.Equal(new[] { 1, 2, 3 }, plan.Cuts.Where(c => c.IsInput).Select(c => c.ToChip));
        Assert.Equal(new[] { 0, 1, 2, 3 }, plan.Cuts.Where(c => !c.IsInput).Select(c => c.FromChip));
        Assert.Equal((3 * 12288L) + (4 * 32), plan.ForwardBytesPerSample);
        Assert.Equal(new[] { LcpTransform.MergeName, "Logits" }, plan.Layers.Where(l => l.Chip == 4).Select(l => l.Name));
    }

    [Fact]
    public void LcpEqualsTheSameBranchesDeclaredByHand()
    {
        var bySpec = NetworkPlan.Compile(Residual(new LcpSpec(2, "Pool", 1)));
        LayerSpec[] Branch(int b) => new[]
        {
            Conv($"b{b}.Stem", 8, bias: false, inputs: Network.Input) with { Branch = b },
            BatchNorm($"b{b}.StemBn"),
            Conv($"b{b}.C1", 8),
            Add($"b{b}.Sum1", LayerSpec.Previous, $"b{b}.StemBn"),
            Conv($"b{b}.Down", 16, stride: 2),
            Conv($"b{b}.Proj", 16, kernel: 1, stride: 2, inputs: $"b{b}.Sum1"),
            Add($"b{b}.Sum2", $"b{b}.Down", $"b{b}.Proj"),
            Pool($"b{b}.Pool"),
        };
        var byHand = NetworkPlan.Compile(Net(new[] { 3, 32, 32 }, Branch(0).Concat(Branch(1)).Concat(new[]
        {
            Layer("lcp.merge", LayerKind.Concat, LayerArguments.None, "b0.Pool", "b1.Pool") with { OnChip = 1 },
            Dense("Logits", 10),
        }).ToArray()));

        Assert.Equal(byHand.Layers, bySpec.Layers);
        Assert.Equal(byHand.Cuts, bySpec.Cuts);
        Assert.Equal(byHand.Chips, bySpec.Chips);
    }

    [Fact]
    public void ErrorsInACopyPointAtTheLayerItCameFrom()
    {
        // Stem's kernel is larger than the input: both copies say so, at Stem (layer 0); the merge's targets [Lcp].
        var spec = Residual(new LcpSpec(2)) with { InputShape = EquatableArray.Of(3, 2, 2) };
        var errors = Errors(spec with { Layers = spec.Layers.Select((l, i) => i == 0 ? l with { Arguments = l.Arguments with { Kernel = 5, Padding = 0 } } : l).ToEquatableArray() });

        Assert.Equal(new[] { "b0.Stem", "b1.Stem" }, errors.Where(e => e.Id == DiagnosticRules.EmptyOutput.Id).Select(e => e.Arguments[0]));
        Assert.All(errors, e => Assert.Equal(DiagnosticTarget.Layer(0), e.Target));
        var outcome = LcpTransform.Apply(Residual(new LcpSpec(2)));
        Assert.Equal(DiagnosticTarget.Lcp, outcome.ToSource(CompilerDiagnostic.Create(DiagnosticRules.ConcatShapesDiffer, DiagnosticTarget.Layer(16), "lcp.merge", "")).Target);
        Assert.Equal(DiagnosticTarget.Layer(8, LayerPart.Transfer), outcome.ToSource(CompilerDiagnostic.Create(DiagnosticRules.TransferNotOnCut, DiagnosticTarget.Layer(17, LayerPart.Transfer), "Logits")).Target);
    }

    private static readonly Dictionary<string, (NetworkSpec Spec, string Error)> LcpCases = LcpErrorCases();

    public static TheoryData<string> LcpErrors() => new(LcpCases.Keys);

    private static Dictionary<string, (NetworkSpec Spec, string Error)> LcpErrorCases()
    {
        var residual = Residual(new LcpSpec(2));
        return new()
        {
            { "one branch", Residual(new LcpSpec(1)), "SDK0042: [Lcp(Branches = 1)] on 'Net': Branches must be from 2 to 1024 (one chip each)" },
            { "filters", Residual(new LcpSpec(3)), "SDK0042: [Lcp(Branches = 3)] on 'Net': layer 'Stem' has 16 filters, which do not divide into 3 equal branches" },
            {
                "groups",
                Net(new[] { 4, 8, 8 }, Conv("A", 6), Layer("G", LayerKind.Conv2D, new LayerArguments { Size = 6, Kernel = 3, Groups = 3 }), Pool("P"), Dense("D", 2)) with { Lcp = new LcpSpec(2) },
                "SDK0042: [Lcp(Branches = 2)] on 'Net': layer 'G' has 3 groups over the divided channels it reads, which do not divide into 2 equal branches"
            },
            { "last layer", Residual(new LcpSpec(2, "Nope")), "SDK0042: [Lcp(Branches = 2)] on 'Net': LastBranchLayer is 'Nope', which is not a layer of the network" },
            { "no dense", Net(new[] { 4, 8, 8 }, Conv("A", 4), Pool("P")) with { Lcp = new LcpSpec(2) }, "SDK0042: [Lcp(Branches = 2)] on 'Net': it has no Dense layer, before which the branches end by default; name the last branch layer with LastBranchLayer = nameof(...)" },
            {
                "head reads inside",
                Residual(new LcpSpec(2, "Down")),
                "SDK0042: [Lcp(Branches = 2)] on 'Net': layer 'Proj' after the branches reads 'Sum1', inside them; after the branches only the last branch layer 'Down' is read (as the merge of its copies)"
            },
            {
                "on chip",
                residual with { Layers = residual.Layers.Select((l, i) => i == 4 ? l with { OnChip = 1 } : l).ToEquatableArray() },
                "SDK0042: [Lcp(Branches = 2)] on 'Net': layer 'Down' has [OnChip], but the branches fix every chip (branch b on chip b, the merge on chip 0); remove it"
            },
            { "auto", residual with { Placement = PlacementMode.Auto }, "SDK0042: [Lcp(Branches = 2)] on 'Net': the branches fix every chip (branch b on chip b, the merge on chip 0), so the network cannot also ask for Placement = Auto" },
            {
                "chips",
                residual with { Chips = EquatableArray.Of(new ChipSpec(0)) },
                "SDK0042: [Lcp(Branches = 2)] on 'Net': its 2 branches run on chips 0 to 1, but chip 1 is not declared; add [Chip] for each"
            },
            { "merge chip", Residual(new LcpSpec(2, MergeChip: 5)), "SDK0044: The [Lcp] merge of 'Net' merges branches 0 to 1 on no chip: MergeChip is 5, but without [Chip], the chips are the branches' 0 to 1 and at most one more, 2" },
        };
    }

    [Theory]
    [MemberData(nameof(LcpErrors))]
    public void LcpRequestsThatCannotBeMet(string what)
    {
        var (spec, expected) = LcpCases[what];
        Assert.Contains(expected, Errors(spec).Select(e => e.ToString()));
    }

    /// <summary>Two declared branches over the input (4 values), merged on chip 0; <paramref name="merge"/> says how.</summary>
    private static NetworkSpec Declared(LayerSpec merge, params LayerSpec[] more) => Net(new[] { 4 },
        new[]
        {
            Dense("A", 4) with { Branch = 0 },
            Dense("A2", 4),
            Dense("B", 4, Network.Input) with { Branch = 1 },
            Dense("B2", 4),
        }.Concat(more).Append(merge).ToArray());

    [Fact]
    public void DeclaredBranchesRunOnTheirChipsAndMeetAtTheMerge()
    {
        var plan = NetworkPlan.Compile(Declared(Add("M", "A2", "B2") with { OnChip = 0 }));

        Assert.Equal(new[] { 0, 0, 1, 1, 0 }, plan.Layers.Select(l => l.Chip));
        Assert.Equal(new[] { (Network.Input, 0, 1), ("B2", 1, 0) }, plan.Cuts.Select(c => (c.From, c.FromChip, c.ToChip)));
    }

    private static readonly Dictionary<string, (NetworkSpec Spec, string Error)> BranchCases = new()
    {
        {
            "touch",
            Declared(Add("M", "A2", "B2") with { OnChip = 0 }, Dense("B3", 4, "A") ),
            "SDK0043: Layer 'B3' of branch 1 reads 'A' of branch 0; branches meet only at their merge layer (a Concat or Add with [OnChip] that reads every branch)"
        },
        {
            "merge without chip",
            Declared(Add("M", "A2", "B2")),
            "SDK0044: Layer 'M' merges branches 0, 1 on no chip: give it [OnChip(n)]; without it, it would run inside branch 1, on chip 1"
        },
        {
            "twice on a chip",
            Net(new[] { 4 }, Dense("A", 4) with { Branch = 0 }, Dense("B", 4, Network.Input) with { Branch = 0 }, Add("M", "A", "B") with { OnChip = 0 }),
            "SDK0045: Branches of 'Net': branch 0 starts twice, at 'A' and at 'B'; each branch runs on its own chip"
        },
        {
            "branch and chip",
            Net(new[] { 4 }, Dense("A", 4) with { Branch = 0, OnChip = 1 }, Dense("B", 4, Network.Input) with { Branch = 1 }, Add("M", "A", "B") with { OnChip = 0 }),
            "SDK0045: Branches of 'Net': layer 'A' has [Branch(0)] and [OnChip(1)]; a branch runs on the chip its [Branch] names"
        },
        {
            "never merge",
            Net(new[] { 4 }, Dense("A", 4) with { Branch = 0 }, Dense("B", 4, Network.Input) with { Branch = 1 }),
            "SDK0045: Branches of 'Net': the branches from 'A' never merge; end them with a Concat or Add that has [OnChip] and reads every branch"
        },
        {
            "merge kind",
            Declared(Dense("M", 4) with { OnChip = 0 }),
            "SDK0045: Branches of 'Net': 'M' ends the branches from 'A' (it has [OnChip]) but is a Dense layer; branches merge in a Concat or Add"
        },
        {
            "merge misses a branch",
            Declared(Add("M", "A", "A2") with { OnChip = 0 }),
            "SDK0045: Branches of 'Net': the merge 'M' reads no layer of branch 1 (from 'B'); a merge reads every branch"
        },
        {
            "automatic placement",
            Declared(Add("M", "A2", "B2") with { OnChip = 0 }) with { Placement = PlacementMode.Auto, Chips = EquatableArray.Of(new ChipSpec(0, Gflops: 1), new ChipSpec(1, Gflops: 1)) },
            "SDK0034: 'Net' cannot be placed automatically: its branches ([Branch]) fix the chips of their layers; remove Placement or the branches"
        },
    };

    public static TheoryData<string> BranchErrors() => new(BranchCases.Keys);

    [Theory]
    [MemberData(nameof(BranchErrors))]
    public void BranchRulesAreDiagnostics(string what)
    {
        var (spec, expected) = BranchCases[what];
        Assert.Contains(expected, Errors(spec).Select(e => e.ToString()));
    }

    [Fact]
    public void AutomaticPlacementCountsTheInputWhereALaterChipReadsIt()
    {
        // C reads the input again: wherever the solver puts C, the compiled plan (checked by the placement stage
        // against the solver's figure, else SDK0040) and the solver agree on its input cut.
        var spec = Net(new[] { 256 }, Dense("A", 256), Dense("B", 256), Layer("C", LayerKind.Concat, LayerArguments.None, "B", Network.Input), Dense("D", 10))
            with
            {
                Placement = PlacementMode.AutoTraining,
                Chips = EquatableArray.Of(new ChipSpec(0, Gflops: 1), new ChipSpec(1, Gflops: 1)),
                Links = EquatableArray.Of(new LinkSpec(0, 1, 10)),
            };
        var result = NetworkCompiler.Compile(spec);

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var plan = result.Plan!;
        Assert.Equal(plan.Layer("C").Chip != 0, plan.Cuts.Any(c => c.IsInput));
    }
}

/// <summary>Lets a table of named cases be written as <c>{ name, spec, error }</c> rows.</summary>
internal static class CaseTable
{
    public static void Add(this Dictionary<string, (NetworkSpec Spec, string Error)> table, string name, NetworkSpec spec, string error) => table.Add(name, (spec, error));
}
