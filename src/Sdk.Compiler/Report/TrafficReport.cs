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
              .Append(" | ").Append(cut.Format.ToString())
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
                .Property("shape", cut.Shape).Property("format", cut.Format.ToString())
                .Property("bottleneckRatio", cut.BottleneckRatio)
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

        json.EndObject().BeginArray("layers");
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
