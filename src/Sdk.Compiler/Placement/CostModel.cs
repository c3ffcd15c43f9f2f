using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>The load of one directed chip pair: the time its cuts take on the declared link, per sample.</summary>
public sealed record LinkLoad(int FromChip, int ToChip, double Seconds);

/// <summary>
/// Seconds per sample of every stage of the pipeline a plan forms: each chip, and each direction of each linked
/// chip pair. When samples stream through the chips, the slowest stage sets the pace: <see cref="MaxLoad"/>.
/// </summary>
/// <param name="Chips">Per chip: compute at its declared speed (0 when it declares none).</param>
/// <param name="Links">Per directed pair that carries a cut: its transfers' modelled time (0 without a declared link).</param>
public sealed record StageLoads(EquatableArray<double> Chips, EquatableArray<LinkLoad> Links)
{
    /// <summary>The load of the slowest stage: the pipeline's time per sample.</summary>
    public double MaxLoad => Math.Max(Chips.Count == 0 ? 0 : Chips.Max(), Links.Count == 0 ? 0 : Links.Max(l => l.Seconds));

    /// <summary>"chip 2" or "link 0 → 1": the slowest stage (the lowest chip among equals, chips before links).</summary>
    public string Bottleneck
    {
        get
        {
            var max = MaxLoad;
            for (var c = 0; c < Chips.Count; c++)
            {
                if (Chips[c] == max)
                {
                    return $"chip {c}";
                }
            }

            var link = Links.First(l => l.Seconds == max);
            return $"link {link.FromChip} → {link.ToChip}";
        }
    }
}

/// <summary>
/// The one cost model of the SDK: the traffic report's pipeline section, automatic placement (its solver
/// minimises <see cref="StageLoads.MaxLoad"/>), the check of a hand placement (SDK0032) and the runtime's declared
/// forecast all use it. A chip's load is its layers' FLOPs (training: forward and backward) at its declared
/// GFLOP/s; a link's load, per direction, is the modelled time (latency + bytes / bandwidth) of every cut it carries,
/// after bottlenecks and wire formats (training: and the gradients coming back; the network input's cuts send none). Links work beside the chips (a
/// transfer does not stop either chip), as the runtime's pipelined executor emulates them.
/// </summary>
public static class CostModel
{
    /// <summary>
    /// The stage loads of <paramref name="plan"/> per sample, for samples sent in micro-batches of
    /// <paramref name="microBatch"/> (each transfer pays the link's latency once per micro-batch).
    /// </summary>
    public static StageLoads Of(NetworkPlan plan, bool training = false, int microBatch = 1)
    {
        if (microBatch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(microBatch), microBatch, $"Network '{plan.Name}': the micro-batch size must be positive.");
        }

        var chips = plan.Chips.Select(c => c.Gflops > 0 ? (c.Flops + (training ? c.BackwardFlops : 0)) / (c.Gflops * 1e9) : 0).ToArray();
        var links = new Dictionary<(int, int), double>();
        void Add(int from, int to, double seconds) => links[(from, to)] = (links.TryGetValue((from, to), out var s) ? s : 0) + seconds;
        foreach (var cut in plan.Cuts)
        {
            var link = plan.LinkBetween(cut.FromChip, cut.ToChip);
            Add(cut.FromChip, cut.ToChip, Seconds(link, cut.ForwardBytesPerSample, microBatch));
            if (training && !cut.IsInput)
            {
                Add(cut.ToChip, cut.FromChip, Seconds(link, cut.BackwardBytesPerSample, microBatch));
            }
        }

        var loads = links.OrderBy(l => l.Key.Item1).ThenBy(l => l.Key.Item2).Select(l => new LinkLoad(l.Key.Item1, l.Key.Item2, l.Value));
        return new StageLoads(EquatableArray<double>.Own(chips), loads.ToEquatableArray());
    }

    /// <summary>One sample's share of a transfer in micro-batches: latency / m + bytes per sample / bandwidth (0 without a link).</summary>
    public static double Seconds(LinkInfo? link, long bytesPerSample, int microBatch = 1) =>
        link is null ? 0 : (link.LatencyMicroseconds * 1e-6 / microBatch) + (bytesPerSample / (link.GigabytesPerSecond * 1e9));
}
