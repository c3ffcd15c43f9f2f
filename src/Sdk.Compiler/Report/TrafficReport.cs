using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Compiler;

/// <summary>Renders the compile-time traffic report of a plan as Markdown and as JSON.</summary>
internal static class TrafficReport
{
    public static string Markdown(NetworkPlan plan)
    {
        var md = new StringBuilder();
        md.Append("# Traffic report: ").Append(plan.Name).Append("\n\n");
        md.Append("Input ").Append(Shapes.Format(plan.InputShape)).Append(" per sample; ")
          .Append(Plural(plan.Layers.Count, "layer")).Append(" on ").Append(Plural(plan.Chips.Count, "chip")).Append("; ")
          .Append(Plural(plan.Cuts.Count, "cut")).Append(". Bytes are per sample; multiply by the batch size.\n\n");

        md.Append("## Cuts\n\n");
        md.Append("| # | from | to | chips | shape | format | bottleneck | forward B | backward B | link µs |\n");
        md.Append("|---|---|---|---|---|---|---|---:|---:|---:|\n");
        foreach (var cut in plan.Cuts)
        {
            md.Append("| ").Append(cut.Index)
              .Append(" | ").Append(cut.From)
              .Append(" | ").Append(string.Join(", ", cut.To))
              .Append(" | ").Append(cut.FromChip).Append(" → ").Append(cut.ToChip)
              .Append(" | ").Append(Shapes.Format(cut.Shape))
              .Append(" | ").Append(cut.Encoding.ToString())
              .Append(" | ").Append(cut.BottleneckRatio > 1 ? "1/" + cut.BottleneckRatio : "—")
              .Append(" | ").Append(cut.ForwardBytesPerSample)
              .Append(" | ").Append(cut.BackwardBytesPerSample)
              .Append(" | ").Append(cut.ModelledSecondsPerSample is { } s ? TrafficChecks.Microseconds(s) : "—")
              .Append(" |\n");
        }

        md.Append("\n## Chip pairs\n\n");
        md.Append("| chips | cuts | forward B | backward B | training B |\n");
        md.Append("|---|---:|---:|---:|---:|\n");
        foreach (var pair in plan.Cuts.GroupBy(c => (c.FromChip, c.ToChip)).OrderBy(g => g.Key.FromChip).ThenBy(g => g.Key.ToChip))
        {
            var forward = pair.Sum(c => c.ForwardBytesPerSample);
            var backward = pair.Sum(c => c.BackwardBytesPerSample);
            md.Append("| ").Append(pair.Key.FromChip).Append(" → ").Append(pair.Key.ToChip)
              .Append(" | ").Append(pair.Count()).Append(" | ").Append(forward).Append(" | ").Append(backward)
              .Append(" | ").Append(forward + backward).Append(" |\n");
        }

        md.Append("| **total** | ").Append(plan.Cuts.Count)
          .Append(" | ").Append(plan.ForwardBytesPerSample)
          .Append(" | ").Append(plan.BackwardBytesPerSample)
          .Append(" | ").Append(plan.ForwardBytesPerSample + plan.BackwardBytesPerSample).Append(" |\n");

        md.Append("\n## Chips\n\n");
        md.Append("| chip | name | layers | MFLOP | parameters | parameter B | peak activation B | memory B | fits | compute µs |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        foreach (var chip in plan.Chips)
        {
            md.Append("| ").Append(chip.Id)
              .Append(" | ").Append(chip.Name)
              .Append(" | ").Append(chip.LayerCount)
              .Append(" | ").Append((chip.Flops / 1e6).ToString("0.###", CultureInfo.InvariantCulture))
              .Append(" | ").Append(chip.Parameters)
              .Append(" | ").Append(chip.ParameterBytes)
              .Append(" | ").Append(chip.PeakActivationBytes)
              .Append(" | ").Append(chip.MemoryBytes == 0 ? "—" : chip.MemoryBytes.ToString(CultureInfo.InvariantCulture))
              .Append(" | ").Append(chip.Fits ? "yes" : "no")
              .Append(" | ").Append(chip.ComputeSecondsPerSample is { } s ? TrafficChecks.Microseconds(s) : "—")
              .Append(" |\n");
        }

        var inference = CostModel.Of(plan);
        var training = CostModel.Of(plan, training: true);
        md.Append("\n## Pipeline\n\n");
        md.Append("Each chip and each direction of each link is a stage; streaming samples, the slowest sets the pace. ")
          .Append("Inference: max-load ").Append(TrafficChecks.Microseconds(inference.MaxLoad)).Append(" µs/sample on ").Append(inference.Bottleneck)
          .Append("; training: ").Append(TrafficChecks.Microseconds(training.MaxLoad)).Append(" µs/sample on ").Append(training.Bottleneck).Append(".\n\n");
        md.Append("| stage | inference µs | training µs |\n");
        md.Append("|---|---:|---:|\n");
        for (var c = 0; c < plan.Chips.Count; c++)
        {
            md.Append("| chip ").Append(c).Append(" | ").Append(TrafficChecks.Microseconds(inference.Chips[c]))
              .Append(" | ").Append(TrafficChecks.Microseconds(training.Chips[c])).Append(" |\n");
        }

        foreach (var link in training.Links)
        {
            var forward = inference.Links.FirstOrDefault(l => l.FromChip == link.FromChip && l.ToChip == link.ToChip)?.Seconds ?? 0;
            md.Append("| link ").Append(link.FromChip).Append(" → ").Append(link.ToChip).Append(" | ").Append(TrafficChecks.Microseconds(forward))
              .Append(" | ").Append(TrafficChecks.Microseconds(link.Seconds)).Append(" |\n");
        }

        Bounds(plan, md);

        md.Append("\n## Layers\n\n");
        md.Append("| # | layer | kind | chip | inputs | output | parameters | MACs |\n");
        md.Append("|---:|---|---|---:|---|---|---:|---:|\n");
        foreach (var layer in plan.Layers)
        {
            var inputs = string.Join(", ", layer.Inputs.Select(i => i < 0 ? "input" : plan.Layers[i].Name));
            md.Append("| ").Append(layer.Index)
              .Append(" | ").Append(layer.Declared ? layer.Name : "*" + layer.Name + "*")
              .Append(" | ").Append(layer.Kind)
              .Append(" | ").Append(layer.Chip)
              .Append(" | ").Append(inputs)
              .Append(" | ").Append(Shapes.Format(layer.OutputShape))
              .Append(" | ").Append(layer.ParameterCount)
              .Append(" | ").Append(layer.Macs)
              .Append(" |\n");
        }

        return md.ToString();
    }

    /// <summary>The convolutions against their lower bound (docs/lower-bound.md), when the network has any.</summary>
    private static void Bounds(NetworkPlan plan, StringBuilder md)
    {
        if (plan.ConvolutionBounds.IsEmpty)
        {
            return;
        }

        var first = plan.ConvolutionBounds[0];
        md.Append("\n## Convolutions against the lower bound\n\n");
        md.Append("Off-chip traffic in bytes per sample at a batch of ").Append(first.Batch)
          .Append(", against the least any dataflow moves with the chip's declared memory S (Chen et al., HPCA 2020; docs/lower-bound.md). ")
          .Append("The generated kernel reuses nothing; the CPU kernel is the vectorised backend's tiling on ").Append(first.Cpu.Target.Name)
          .Append(", one thread, whose own S is the memory it blocks for. × is traffic / bound; without a declared memory there is no bound (—).\n\n");
        md.Append("| # | layer | chip | convolution | S KiB | bound B | generated B | × | CPU tiling | CPU S KiB | CPU B | × | × own S |\n");
        md.Append("|---:|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
        foreach (var c in plan.ConvolutionBounds)
        {
            md.Append("| ").Append(c.Layer)
              .Append(" | ").Append(c.Name)
              .Append(" | ").Append(c.Chip)
              .Append(" | ").Append(c.Shape)
              .Append(" | ").Append(c.ChipWords is { } s ? Kib(s) : "—")
              .Append(" | ").Append(c.Bound is { } b ? ConvBounds.Bytes(b.Total, c.Batch).ToString(CultureInfo.InvariantCulture) : "—")
              .Append(" | ").Append(ConvBounds.Bytes(c.Generated.Total, c.Batch))
              .Append(" | ").Append(ConvBounds.Ratio(c.GeneratedRatio))
              .Append(" | ").Append(c.Cpu.Algorithm)
              .Append(" | ").Append(Kib(c.Cpu.WorkingSetWords))
              .Append(" | ").Append(ConvBounds.Bytes(c.CpuTraffic.Total, c.Batch))
              .Append(" | ").Append(ConvBounds.Ratio(c.CpuChipRatio))
              .Append(" | ").Append(ConvBounds.Ratio(c.CpuRatio))
              .Append(" |\n");
        }
    }

    /// <summary>Words as KiB of float32, one decimal.</summary>
    private static string Kib(long words) => (words * 4 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture);

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    public static string Json(NetworkPlan plan)
    {
        var json = new JsonText().BeginObject()
            .Property("network", plan.Name)
            .Property("inputShape", plan.InputShape)
            .Property("forwardBytesPerSample", plan.ForwardBytesPerSample)
            .Property("backwardBytesPerSample", plan.BackwardBytesPerSample)
            .Property("trainingBytesPerSample", plan.ForwardBytesPerSample + plan.BackwardBytesPerSample);

        json.BeginArray("cuts");
        foreach (var cut in plan.Cuts)
        {
            json.BeginObject()
                .Property("index", cut.Index).Property("from", cut.From).Property("to", cut.To)
                .Property("fromChip", cut.FromChip).Property("toChip", cut.ToChip)
                .Property("shape", cut.Shape).Property("format", cut.Format.ToString());
            if (cut.Format == WireFormat.Truncated)
            {
                json.Property("bits", cut.Encoding.Bits);
            }

            json.Property("bottleneckRatio", cut.BottleneckRatio)
                .Property("forwardBytesPerSample", cut.ForwardBytesPerSample)
                .Property("backwardBytesPerSample", cut.BackwardBytesPerSample)
                .Property("modelledSecondsPerSample", cut.ModelledSecondsPerSample)
                .EndObject();
        }

        json.EndArray().BeginArray("chips");
        foreach (var chip in plan.Chips)
        {
            json.BeginObject()
                .Property("id", chip.Id).Property("name", chip.Name).Property("gflops", chip.Gflops)
                .Property("memoryBytes", chip.MemoryBytes).Property("layers", chip.LayerCount).Property("flops", chip.Flops)
                .Property("parameters", chip.Parameters).Property("parameterBytes", chip.ParameterBytes)
                .Property("peakActivationBytes", chip.PeakActivationBytes).Property("fits", chip.Fits)
                .Property("computeSecondsPerSample", chip.ComputeSecondsPerSample)
                .EndObject();
        }

        json.EndArray().BeginObject("pipeline");
        foreach (var (name, loads) in new[] { ("inference", CostModel.Of(plan)), ("training", CostModel.Of(plan, training: true)) })
        {
            json.BeginObject(name).Property("maxLoadSecondsPerSample", loads.MaxLoad).Property("bottleneck", loads.Bottleneck).BeginArray("chips");
            foreach (var seconds in loads.Chips)
            {
                json.Value(seconds);
            }

            json.EndArray().BeginArray("links");
            foreach (var link in loads.Links)
            {
                json.BeginObject().Property("fromChip", link.FromChip).Property("toChip", link.ToChip).Property("secondsPerSample", link.Seconds).EndObject();
            }

            json.EndArray().EndObject();
        }

        json.EndObject().BeginArray("convolutions");
        foreach (var c in plan.ConvolutionBounds)
        {
            json.BeginObject()
                .Property("layer", c.Layer).Property("name", c.Name).Property("chip", c.Chip).Property("shape", c.Shape.ToString())
                .Property("batch", c.Batch).Property("chipMemoryBytes", c.ChipWords * 4)
                .Property("boundBytesPerSample", c.Bound is { } b ? ConvBounds.Bytes(b.Total, c.Batch) : null)
                .Property("boundTile", c.Tile?.ToString())
                .Property("generatedBytesPerSample", ConvBounds.Bytes(c.Generated.Total, c.Batch))
                .Property("generatedRatio", c.GeneratedRatio)
                .BeginObject("cpu")
                .Property("target", c.Cpu.Target.Name).Property("algorithm", c.Cpu.Algorithm.ToString()).Property("blocking", c.Cpu.Blocking)
                .Property("workingSetBytes", c.Cpu.WorkingSetWords * 4)
                .Property("bytesPerSample", ConvBounds.Bytes(c.CpuTraffic.Total, c.Batch))
                .Property("ratio", c.CpuChipRatio)
                .Property("boundAtWorkingSetBytesPerSample", ConvBounds.Bytes(c.CpuBound.Total, c.Batch))
                .Property("ratioAtWorkingSet", c.CpuRatio)
                .EndObject()
                .EndObject();
        }

        json.EndArray().BeginArray("layers");
        foreach (var layer in plan.Layers)
        {
            json.BeginObject()
                .Property("index", layer.Index).Property("name", layer.Name).Property("kind", layer.Kind.ToString())
                .Property("chip", layer.Chip).Property("inputs", layer.Inputs).Property("outputShape", layer.OutputShape)
                .Property("parameters", layer.ParameterCount).Property("macs", layer.Macs).Property("flops", layer.Flops)
                .Property("declared", layer.Declared)
                .EndObject();
        }

        return json.EndArray().EndObject().ToString();
    }
}
