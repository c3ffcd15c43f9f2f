using System.Collections.Generic;
using System.Linq;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;
using static Sdk.Generator.Analysis.NetworkCompiler;

namespace Sdk.Generator.Analysis;

/// <summary>
/// Turns resolved layers into the plan: finds the cuts (every edge whose ends are on different chips, skip
/// edges included, one transfer per source tensor and receiving chip), inserts bottleneck encoders and decoders
/// at their cuts, applies wire formats, and counts every layer, cut and chip.
/// </summary>
internal static class Partitioner
{
    /// <summary>A tensor sent from the source's chip to <see cref="ToChip"/>, with what its readers there asked for.</summary>
    private sealed class CutGroup(int source, int toChip)
    {
        public int Source { get; } = source;
        public int ToChip { get; } = toChip;
        public List<int> Readers { get; } = new();
        public int Ratio { get; set; } = 1;
        public string? RatioSetBy { get; set; }
        public int Format { get; set; } = WireFormats.Float32;
        public string? FormatSetBy { get; set; }
        public int Encoder { get; set; } = -1;
        public int Decoder { get; set; } = -1;
    }

    public static PlanModel Partition(NetworkSpec spec, List<ResolvedLayer> layers, List<DiagnosticInfo> diagnostics, int[] planIndexOfDeclared)
    {
        var groups = FindCuts(layers, diagnostics);
        var planned = FoldBatchNorms(Lower(spec, layers, groups, planIndexOfDeclared));
        var chipCount = spec.Chips.IsEmpty ? layers.Max(l => l.Chip) + 1 : spec.Chips.Count;
        var links = spec.Links
            .Select(l => new PlannedLink(l.ChipA, l.ChipB, l.GigabytesPerSecond, l.LatencyMicroseconds, l.BudgetBytesPerSample))
            .ToEquatableArray();

        var cuts = new List<PlannedCut>();
        foreach (var group in groups.OrderBy(g => g.Encoder >= 0 ? g.Encoder : planIndexOfDeclared[g.Source]).ThenBy(g => g.ToChip))
        {
            var source = group.Encoder >= 0 ? group.Encoder : planIndexOfDeclared[group.Source];
            var shape = planned[source].OutputShape;
            var bytes = WireFormats.BytesPerSample(Shapes.Elements(shape), group.Format);
            var fromChip = layers[group.Source].Chip;
            var link = links.FirstOrDefault(l => l.Connects(fromChip, group.ToChip));
            cuts.Add(new PlannedCut(
                cuts.Count,
                source,
                layers[group.Source].Spec.Name,
                group.Readers.Select(r => layers[r].Spec.Name).ToEquatableArray(),
                fromChip,
                group.ToChip,
                shape,
                group.Format,
                group.Ratio,
                bytes,
                bytes,
                link?.Seconds(bytes)));
        }

        var peaks = ActivationMemory.PeakBytes(planned, spec.InputShape, chipCount);
        var chips = new List<PlannedChip>();
        for (var id = 0; id < chipCount; id++)
        {
            var declared = spec.Chips.FirstOrDefault(c => c.Id == id);
            var onChip = planned.Where(l => l.Chip == id).ToList();
            chips.Add(new PlannedChip(
                id,
                declared?.Name ?? $"chip{id}",
                declared?.Gflops ?? 0,
                (declared?.MemoryKiB ?? 0) * 1024,
                onChip.Count,
                onChip.Sum(l => l.Flops),
                onChip.Sum(l => l.TrainableParameters),
                4 * onChip.Sum(l => l.TrainableParameters + l.BufferElements),
                peaks[id]));
        }

        return new PlanModel(spec.Type.Name, spec.InputShape, chips.ToEquatableArray(), links, planned.ToEquatableArray(), cuts.ToEquatableArray());
    }

    private static List<CutGroup> FindCuts(List<ResolvedLayer> layers, List<DiagnosticInfo> diagnostics)
    {
        var groups = new List<CutGroup>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var readsCut = false;
            foreach (var source in layer.Inputs.Distinct())
            {
                if (source < 0 || layers[source].Chip == layer.Chip)
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
                if (layer.Spec.BottleneckRatio is { } ratio)
                {
                    if (group.RatioSetBy is not null && group.Ratio != ratio)
                    {
                        Conflict(layers, group, layer, "bottleneck ratios", $"'{group.RatioSetBy}' asks for {group.Ratio}, '{layer.Spec.Name}' for {ratio}", layer.Spec.BottleneckLocation, diagnostics);
                    }

                    group.Ratio = ratio;
                    group.RatioSetBy = layer.Spec.Name;
                }

                if (layer.Spec.TransferFormat is { } format)
                {
                    if (group.FormatSetBy is not null && group.Format != format)
                    {
                        Conflict(layers, group, layer, "wire formats", $"'{group.FormatSetBy}' asks for {WireFormats.Name(group.Format)}, '{layer.Spec.Name}' for {WireFormats.Name(format)}", layer.Spec.TransferLocation, diagnostics);
                    }

                    group.Format = format;
                    group.FormatSetBy = layer.Spec.Name;
                }
            }

            if (!readsCut && layer.Spec.BottleneckRatio is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BottleneckNotOnCut, layer.Spec.BottleneckLocation, layer.Spec.Name));
            }

            if (!readsCut && layer.Spec.TransferFormat is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TransferNotOnCut, layer.Spec.TransferLocation, layer.Spec.Name));
            }
        }

        return groups;
    }

    private static void Conflict(List<ResolvedLayer> layers, CutGroup group, ResolvedLayer reader, string what, string detail, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.ConflictingCutSettings, location ?? reader.Spec.Location, layers[group.Source].Spec.Name, layers[group.Source].Chip, group.ToChip, what, detail));

    /// <summary>Lays the declared layers out in execution order with encoders after their sources and decoders before their first reader.</summary>
    private static List<PlannedLayer> Lower(NetworkSpec spec, List<ResolvedLayer> layers, List<CutGroup> groups, int[] planIndexOfDeclared)
    {
        var planned = new List<PlannedLayer>();
        var narrowed = groups.Where(g => g.Ratio > 1).ToList();

        IReadOnlyList<int> ShapeOf(int plannedIndex) => plannedIndex < 0 ? spec.InputShape : planned[plannedIndex].OutputShape;

        void Add(string name, LayerKind kind, int chip, int[] inputs, IReadOnlyList<int> output, LayerArguments arguments, bool declared)
        {
            var inputShapes = inputs.Select(ShapeOf).ToList();
            planned.Add(new PlannedLayer(
                planned.Count,
                name,
                kind,
                chip,
                inputs.ToEquatableArray(),
                output.ToEquatableArray(),
                arguments,
                LayerCounts.Parameters(name, kind, arguments, inputShapes[0], output),
                LayerCounts.Macs(kind, arguments, inputShapes[0], output),
                LayerCounts.Flops(kind, arguments, inputShapes, output),
                declared));
        }

        string BottleneckName(CutGroup group, string part)
        {
            var owner = group.RatioSetBy!;
            var several = narrowed.Count(g => g.RatioSetBy == owner) > 1;
            return several ? $"{owner}.{part}_{layers[group.Source].Spec.Name}" : $"{owner}.{part}";
        }

        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            foreach (var group in narrowed.Where(g => g.Readers[0] == i))
            {
                group.Decoder = planned.Count;
                var full = layers[group.Source].Shape;
                Add(BottleneckName(group, "decoder"), LayerKind.BottleneckDecoder, group.ToChip, new[] { group.Encoder }, full, Pointwise(full[0]), declared: false);
            }

            var inputs = layer.Inputs
                .Select(s => s < 0 ? -1 : narrowed.FirstOrDefault(g => g.Source == s && g.ToChip == layer.Chip) is { } g ? g.Decoder : planIndexOfDeclared[s])
                .ToArray();
            planIndexOfDeclared[i] = planned.Count;
            Add(layer.Spec.Name, layer.Spec.Kind, layer.Chip, inputs, layer.Shape, layer.Spec.Arguments, declared: true);

            foreach (var group in narrowed.Where(g => g.Source == i).OrderBy(g => g.ToChip))
            {
                group.Encoder = planned.Count;
                var narrow = (int[])layer.Shape.Clone();
                narrow[0] = (narrow[0] + group.Ratio - 1) / group.Ratio;
                Add(BottleneckName(group, "encoder"), LayerKind.BottleneckEncoder, layer.Chip, new[] { planIndexOfDeclared[i] }, narrow, Pointwise(narrow[0]), declared: false);
            }
        }

        return planned;
    }

    /// <summary>
    /// Marks each BatchNorm that inference can fold into the convolution before it: the convolution is on the
    /// same chip, has no activation of its own, and nothing else reads its output (so no cut carries it).
    /// </summary>
    private static List<PlannedLayer> FoldBatchNorms(List<PlannedLayer> planned)
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
            if (conv.Kind == LayerKind.Conv2D && conv.Chip == bn.Chip && conv.Arguments.Activation == 0 && readers[conv.Index] == 1)
            {
                planned[i] = bn with { FoldedInto = conv.Index };
            }
        }

        return planned;
    }

    /// <summary>Arguments of a bottleneck encoder or decoder: a 1x1 convolution (or dense layer for vectors) with bias.</summary>
    private static LayerArguments Pointwise(int outputs) => new(Size: outputs, Kernel: 1, Stride: 1, Groups: 1, Bias: true);
}
