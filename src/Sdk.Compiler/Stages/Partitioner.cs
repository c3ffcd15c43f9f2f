using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// Turns resolved layers into the plan's layers and cuts: finds the cuts (every edge whose ends are on different
/// chips, skip edges included, one transfer per source tensor and receiving chip), inserts bottleneck encoders
/// (one per source tensor and ratio, computed once on the sending chip whatever chips it goes to) and decoders
/// (one per cut, on the receiving chip), applies wire formats, folds BatchNorms for inference, and counts.
/// </summary>
internal static class Partitioner
{
    /// <summary>A tensor sent from its source's chip to <see cref="ToChip"/>, with what its readers there asked for.</summary>
    private sealed class CutGroup(int source, int toChip)
    {
        public int Source { get; } = source;
        public int ToChip { get; } = toChip;
        public List<int> Readers { get; } = new();
        public int Ratio { get; set; } = 1;
        public int RatioSetBy { get; set; } = -1;
        public WireEncoding Format { get; set; } = WireFormat.Float32;
        public int FormatSetBy { get; set; } = -1;
        public int Encoder { get; set; } = -1;
        public int Decoder { get; set; } = -1;
    }

    public sealed record Result(List<LayerInfo> Layers, List<CutInfo> Cuts, int[] PlanIndexOfDeclared);

    public static Result? Partition(NetworkSpec spec, List<ResolvedLayer> layers, List<CompilerDiagnostic> diagnostics)
    {
        var groups = FindCuts(spec, layers, diagnostics);
        var planIndex = new int[layers.Count];
        var planned = Lower(spec, layers, groups, planIndex, diagnostics);
        if (planned is null)
        {
            return null;
        }

        FoldBatchNorms(planned);
        var cuts = new List<CutInfo>();
        int SourceOf(CutGroup g) => g.Encoder >= 0 ? g.Encoder : g.Source < 0 ? -1 : planIndex[g.Source];
        foreach (var group in groups.OrderBy(SourceOf).ThenBy(g => g.ToChip))
        {
            var source = SourceOf(group);
            var shape = source < 0 ? spec.InputShape : planned[source].OutputShape;
            var format = WireFormats.Of(group.Format);
            var fromChip = ChipOf(layers, group.Source);
            var forward = format.BytesPerSample(Shapes.Elements(shape));
            var link = spec.Links.FirstOrDefault(l => Connects(l, fromChip, group.ToChip));
            cuts.Add(new CutInfo
            {
                Index = cuts.Count,
                SourceLayer = source,
                From = NameOf(layers, group.Source),
                To = group.Readers.Select(r => layers[r].Spec.Name).ToEquatableArray(),
                FromChip = fromChip,
                ToChip = group.ToChip,
                Shape = shape,
                Encoding = group.Format,
                BottleneckRatio = group.Ratio,
                ForwardBytesPerSample = forward,

                // Nothing learns from the network input: its cuts send no gradient back.
                BackwardBytesPerSample = source < 0 ? 0 : WireFormats.Of(format.GradientFormat).BytesPerSample(Shapes.Elements(shape)),
                ModelledSecondsPerSample = link is null ? null : Modelled(link, forward),
            });
        }

        return new Result(planned, cuts, planIndex);
    }

    public static bool Connects(LinkSpec link, int a, int b) => (link.ChipA == a && link.ChipB == b) || (link.ChipA == b && link.ChipB == a);

    public static double Modelled(LinkSpec link, long bytes) => (link.LatencyMicroseconds * 1e-6) + (bytes / (link.GigabytesPerSecond * 1e9));

    /// <summary>
    /// The chip of a declared layer; for the network input (-1), the chip of the first layer: the input arrives
    /// there, and every other chip that reads it gets it over a cut from there.
    /// </summary>
    private static int ChipOf(List<ResolvedLayer> layers, int source) => layers[source < 0 ? 0 : source].Chip;

    private static string NameOf(List<ResolvedLayer> layers, int source) => source < 0 ? LayerSpec.NetworkInput : layers[source].Spec.Name;

    private static List<CutGroup> FindCuts(NetworkSpec spec, List<ResolvedLayer> layers, List<CompilerDiagnostic> diagnostics)
    {
        var groups = new List<CutGroup>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var readsCut = false;
            foreach (var source in layer.Inputs.Distinct())
            {
                if (ChipOf(layers, source) == layer.Chip)
                {
                    continue;
                }

                readsCut = true;
                var group = groups.FirstOrDefault(g => g.Source == source && g.ToChip == layer.Chip);
                if (group is null)
                {
                    group = new CutGroup(source, layer.Chip);
                    groups.Add(group);
                }

                group.Readers.Add(i);

                // A reader without an annotation accepts whatever the annotated readers chose.
                if (source < 0 && layer.Spec.BottleneckRatio is > 1)
                {
                    // An encoder needs a layer of the sending chip to follow; the input has none there.
                    diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidArgument, DiagnosticTarget.Layer(i, LayerPart.Bottleneck),
                        $"Layer '{layer.Spec.Name}'", "Bottleneck Ratio", layer.Spec.BottleneckRatio, $"1 on a layer that reads the network input from chip {ChipOf(layers, source)}: the input crosses as it is"));
                }
                else if (layer.Spec.BottleneckRatio is { } ratio)
                {
                    if (group.RatioSetBy >= 0 && group.Ratio != ratio)
                    {
                        Conflict(layers, group, i, LayerPart.Bottleneck, "bottleneck ratios", $"'{layers[group.RatioSetBy].Spec.Name}' asks for {group.Ratio}, '{layer.Spec.Name}' for {ratio}", diagnostics);
                    }

                    group.Ratio = ratio;
                    group.RatioSetBy = i;
                }

                if (layer.Spec.Transfer is { } format)
                {
                    if (group.FormatSetBy >= 0 && group.Format != format)
                    {
                        Conflict(layers, group, i, LayerPart.Transfer, "wire formats", $"'{layers[group.FormatSetBy].Spec.Name}' asks for {group.Format}, '{layer.Spec.Name}' for {format}", diagnostics);
                    }

                    group.Format = format;
                    group.FormatSetBy = i;
                }
            }

            if (!readsCut && layer.Spec.BottleneckRatio is not null)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.BottleneckNotOnCut, DiagnosticTarget.Layer(i, LayerPart.Bottleneck), layer.Spec.Name));
            }

            if (!readsCut && layer.Spec.Transfer is not null)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.TransferNotOnCut, DiagnosticTarget.Layer(i, LayerPart.Transfer), layer.Spec.Name));
            }
        }

        return groups;
    }

    private static void Conflict(List<ResolvedLayer> layers, CutGroup group, int reader, LayerPart part, string what, string detail, List<CompilerDiagnostic> diagnostics) =>
        diagnostics.Add(CompilerDiagnostic.Create(
            DiagnosticRules.ConflictingCutSettings, DiagnosticTarget.Layer(reader, part), NameOf(layers, group.Source), ChipOf(layers, group.Source), group.ToChip, what, detail));

    /// <summary>
    /// Lays the declared layers out in execution order, each encoder right after its source, each decoder right
    /// before its first reader, and counts every layer. Null when a parameter tensor is too large to hold.
    /// </summary>
    private static List<LayerInfo>? Lower(NetworkSpec spec, List<ResolvedLayer> layers, List<CutGroup> groups, int[] planIndex, List<CompilerDiagnostic> diagnostics)
    {
        var planned = new List<LayerInfo>();
        var narrowed = groups.Where(g => g.Ratio > 1).ToList();
        var ok = true;

        EquatableArray<int> ShapeOf(int plannedIndex) => plannedIndex < 0 ? spec.InputShape : planned[plannedIndex].OutputShape;

        void Add(int declared, string name, LayerKind kind, int chip, int[] inputs, EquatableArray<int> output, LayerArguments arguments)
        {
            var definition = LayerDefinitions.Of(kind);
            var shapes = new LayerShapes(arguments, inputs.Select(ShapeOf).ToList(), output);
            var parameters = new List<ParameterInfo>();
            foreach (var p in definition.Parameters(shapes))
            {
                var elements = Shapes.Elements(p.Shape);
                if (elements > Shapes.MaxElements)
                {
                    diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.ParameterTooLarge, DiagnosticTarget.Layer(declared), name, kind, $"{name}.{p.Suffix}", p.Shape, elements == long.MaxValue ? "over 2^63" : elements.ToString(System.Globalization.CultureInfo.InvariantCulture), Shapes.MaxElements));
                    ok = false;
                }

                parameters.Add(new ParameterInfo($"{name}.{p.Suffix}", EquatableArray<int>.Own(p.Shape), p.Trainable));
            }

            planned.Add(new LayerInfo
            {
                Index = planned.Count,
                Name = name,
                Kind = kind,
                Chip = chip,
                Inputs = EquatableArray<int>.Own(inputs),
                OutputShape = output,
                Arguments = arguments,
                Parameters = parameters.ToEquatableArray(),
                Macs = definition.Macs(shapes),
                Flops = definition.Flops(shapes),
                BackwardFlops = definition.BackwardFlops(shapes),
                Declared = kind is not (LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder),
            });
        }

        string PartName(CutGroup group, string part)
        {
            // Named after the reader that asked; a reader that narrows several cuts names each by its source.
            var owner = layers[group.RatioSetBy].Spec.Name;
            var several = narrowed.Count(g => g.RatioSetBy == group.RatioSetBy) > 1;
            return several ? $"{owner}.{part}_{layers[group.Source].Spec.Name}" : $"{owner}.{part}";
        }

        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            foreach (var group in narrowed.Where(g => g.Readers[0] == i))
            {
                group.Decoder = planned.Count;
                var full = layers[group.Source].Shape;
                Add(i, PartName(group, "decoder"), LayerKind.BottleneckDecoder, group.ToChip, new[] { group.Encoder }, full, Pointwise.Arguments(full[0]));
            }

            var inputs = layer.Inputs
                .Select(s => s < 0 ? -1 : narrowed.FirstOrDefault(g => g.Source == s && g.ToChip == layer.Chip) is { } g ? g.Decoder : planIndex[s])
                .ToArray();
            planIndex[i] = planned.Count;
            Add(i, layer.Spec.Name, layer.Spec.Kind, layer.Chip, inputs, layer.Shape, layer.Spec.Arguments);

            // One encoder per ratio: the narrowed tensor is computed once and sent to every chip that asked for it.
            foreach (var sameRatio in narrowed.Where(g => g.Source == i).GroupBy(g => g.Ratio).OrderBy(r => r.Min(g => g.Readers[0])))
            {
                var first = sameRatio.OrderBy(g => g.Readers[0]).First();
                var narrow = layer.Shape.ToArray();
                narrow[0] = (int)((narrow[0] + (long)first.Ratio - 1) / first.Ratio);
                var encoder = planned.Count;
                Add(i, PartName(first, "encoder"), LayerKind.BottleneckEncoder, layer.Chip, new[] { planIndex[i] }, EquatableArray<int>.Own(narrow), Pointwise.Arguments(narrow[0]));
                foreach (var group in sameRatio)
                {
                    group.Encoder = encoder;
                }
            }
        }

        return ok ? planned : null;
    }

    /// <summary>
    /// Marks each BatchNorm that inference can fold into the convolution before it: the convolution is on the
    /// same chip, has no activation of its own, and nothing else reads its output (so no cut carries it).
    /// </summary>
    private static void FoldBatchNorms(List<LayerInfo> planned)
    {
        var readers = new int[planned.Count];
        foreach (var layer in planned)
        {
            foreach (var input in layer.Inputs)
            {
                if (input >= 0)
                {
                    readers[input]++;
                }
            }
        }

        for (var i = 0; i < planned.Count; i++)
        {
            var bn = planned[i];
            if (bn.Kind != LayerKind.BatchNorm || bn.Inputs.Count != 1 || bn.Inputs[0] < 0)
            {
                continue;
            }

            var conv = planned[bn.Inputs[0]];
            if (conv.Kind == LayerKind.Conv2D && conv.Chip == bn.Chip && conv.Activation == Activation.None && readers[conv.Index] == 1)
            {
                planned[i] = bn with { FoldedInto = conv.Index };
            }
        }
    }
}
