using System;
using System.Linq;

namespace Sdk.Runtime;

/// <summary>
/// The largest batch a plan can run: every tensor of a batch (the input, each layer's output, each cut's wire
/// bytes) must fit one array. Checked before anything is allocated or computed, so a negative or huge batch is
/// an error that names the network, the tensor and the limit, not an overflow deep inside a run.
/// </summary>
internal sealed class BatchLimit
{
    private readonly NetworkPlan _plan;
    private readonly string _largest;

    public BatchLimit(NetworkPlan plan)
    {
        _plan = plan;
        var tensors = new[] { ("the input", Shapes.Elements(plan.InputShape)) }
            .Concat(plan.Layers.Select(l => ($"the output of layer '{l.Name}'", Shapes.Elements(l.OutputShape))))
            .Concat(plan.Cuts.Select(c => ($"the wire bytes of cut {c.Index} ({c.From} → chip {c.ToChip})", Math.Max(c.ForwardBytesPerSample, c.BackwardBytesPerSample))));
        var (name, perSample) = tensors.MaxBy(t => t.Item2);
        _largest = name;
        Max = (int)Math.Min(int.MaxValue, Array.MaxLength / Math.Max(1, perSample));
    }

    /// <summary>The largest batch this plan can run.</summary>
    public int Max { get; }

    public void Check(int batch)
    {
        if (batch <= 0 || batch > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch,
                $"Network '{_plan.Name}': the batch size must be from 1 to {Max} (at {Max + 1L} samples, {_largest} would not fit one array).");
        }
    }
}
