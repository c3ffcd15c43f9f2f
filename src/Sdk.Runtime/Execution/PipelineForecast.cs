using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Runtime;

/// <summary>
/// Predicted throughput of a pipelined run, by the max-load rule of device placement (Tarnawski et al., NeurIPS
/// 2020; see docs/placement.md): when samples stream through the chips, each chip's load is the time it spends
/// per sample (its compute plus the communication of the tensors that cross its boundary), and the pipeline
/// delivers one sample per max-load. Predicted throughput = 1 / max over chips of the load (samples/s).
/// </summary>
/// <remarks>
/// What is counted, per chip and per sample, for micro-batches of <c>m</c> samples:
/// <list type="bullet">
/// <item>compute: declared, <c>Flops / (Gflops · 1e9)</c> (zero, and <see cref="ChipLoad.ComputeKnown"/> false,
/// for a chip that declares no Gflops); calibrated, the measured time of the chip's layers per sample in a
/// sequential run of micro-batches of <c>m</c>;</item>
/// <item>codec (calibrated only): the measured time of packing its outgoing and unpacking its incoming cuts;</item>
/// <item>links in and out: for every cut into and every cut out of the chip whose chip pair has a declared link,
/// the modelled time of one micro-batch's transfer divided by <c>m</c>: <c>latency / m + bytes per sample /
/// bandwidth</c> (so micro-batches pay the latency once each). Both ends pay it, as in the paper's model; unlike the
/// paper, a tensor sent to two chips is two cuts and the sender pays both, since the runtime sends each cut
/// separately. Cuts without a declared link count zero. A calibrated forecast for
/// <see cref="LinkEmulation.None"/> counts no link time (the transfer is then just the measured codec).</item>
/// </list>
/// Not counted: time waiting in the pipeline (fill and drain: the first sample comes out after the sum of the
/// stages, so a batch of <c>n</c> micro-batches takes about <c>(n + chips - 1)</c> times the slowest stage),
/// thread scheduling, and contention for shared cores. CPU chips of one host share its cores:
/// <see cref="SharedHostSamplesPerSecond"/> is the bound that applies when every chip's kernels already used all
/// of them in the measurement.
/// </remarks>
public sealed class PipelineForecast
{
    private PipelineForecast(NetworkPlan plan, int microBatch, bool calibrated, LinkEmulation links, IReadOnlyList<ChipLoad> chips)
    {
        Plan = plan;
        MicroBatch = microBatch;
        Calibrated = calibrated;
        Links = links;
        Chips = chips;
        Bottleneck = chips.OrderByDescending(c => c.LoadSecondsPerSample).ThenBy(c => c.Chip).First();
    }

    public NetworkPlan Plan { get; }

    public int MicroBatch { get; }

    /// <summary>False: compute from the declared Gflops. True: compute and codec measured on the model's chips.</summary>
    public bool Calibrated { get; }

    /// <summary>Whether link time is counted (<see cref="LinkEmulation.Modelled"/>) or not (<see cref="LinkEmulation.None"/>).</summary>
    public LinkEmulation Links { get; }

    /// <summary>One per chip, in chip order.</summary>
    public IReadOnlyList<ChipLoad> Chips { get; }

    /// <summary>The chip with the largest load (the lowest id among equals).</summary>
    public ChipLoad Bottleneck { get; }

    /// <summary>The largest load: seconds per sample of the slowest chip.</summary>
    public double MaxLoadSecondsPerSample => Bottleneck.LoadSecondsPerSample;

    /// <summary>Predicted throughput: 1 / max-load (infinity when every load is zero).</summary>
    public double SamplesPerSecond => 1 / MaxLoadSecondsPerSample;

    /// <summary>False when some chip declares no Gflops (its compute then counts zero) in a declared forecast.</summary>
    public bool Complete => Chips.All(c => c.ComputeKnown);

    /// <summary>
    /// 1 / (sum over chips of compute + codec): the throughput when all chips share one host's cores and each
    /// chip's kernels, as measured, already used them all (CPU chips of <c>ChipSet.Cpu</c>). Pipelining then
    /// overlaps only the idle time of the kernels and the links.
    /// </summary>
    public double SharedHostSamplesPerSecond => 1 / Chips.Sum(c => c.ComputeSecondsPerSample + c.CodecSecondsPerSample);

    /// <summary>The forecast of the declared hardware: compute from each chip's Gflops, links from the declared links.</summary>
    public static PipelineForecast FromPlan(NetworkPlan plan, int microBatch = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        CheckMicroBatch(plan, microBatch);
        var compute = plan.Chips.Select(c => c.Gflops > 0 ? c.Flops / (c.Gflops * 1e9) : 0).ToArray();
        var known = plan.Chips.Select(c => c.Gflops > 0).ToArray();
        return new PipelineForecast(plan, microBatch, calibrated: false, LinkEmulation.Modelled, Loads(plan, microBatch, LinkEmulation.Modelled, compute, new double[compute.Length], known));
    }

    /// <summary>
    /// A forecast of <paramref name="model"/>'s own chips: runs two sequential warm-up micro-batches of
    /// <paramref name="microBatch"/> samples (the first of <paramref name="input"/>), then <paramref name="runs"/>
    /// timed ones, each chip's layers timed (and synchronised) one by one, and takes for each chip the median
    /// over the runs of its compute and its codec time, per sample. Links count as <paramref name="links"/> says
    /// (<see cref="WithLinks"/> switches without measuring again). The runs are real runs: the ledger counts them.
    /// Warm the model up first (a few runs) for steady-state figures: the first runs also compile code.
    /// </summary>
    public static PipelineForecast Calibrate(Model model, ReadOnlySpan<float> input, int microBatch, LinkEmulation links = LinkEmulation.Modelled, int runs = 5)
    {
        ArgumentNullException.ThrowIfNull(model);
        var plan = model.Plan;
        CheckMicroBatch(plan, microBatch);
        if (runs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(runs), runs, $"Network '{plan.Name}': calibration needs at least one timed run.");
        }

        if (!Enum.IsDefined(links))
        {
            throw new ArgumentOutOfRangeException(nameof(links), links, $"Network '{plan.Name}': unknown link emulation {links}.");
        }

        var sampleLength = (int)Shapes.Elements(plan.InputShape);
        if (input.Length < microBatch * sampleLength)
        {
            throw new ArgumentException(
                $"Network '{plan.Name}': calibrating micro-batches of {microBatch} needs at least {microBatch * sampleLength} input values, but got {input.Length}.",
                nameof(input));
        }

        var samples = input[..(microBatch * sampleLength)];
        var output = new float[microBatch * Shapes.Elements(model.OutputShape)];
        var chips = plan.Chips.Count;
        var compute = new long[runs][];
        var codec = new long[runs][];
        for (var w = 0; w < 2; w++)
        {
            model.RunTimed(samples, microBatch, output, new long[chips], new long[chips]); // warm-up: buffers, caches, code
        }

        for (var r = 0; r < runs; r++)
        {
            compute[r] = new long[chips];
            codec[r] = new long[chips];
            model.RunTimed(samples, microBatch, output, compute[r], codec[r]);
        }

        double PerSample(long[][] ticks, int chip) => Median(ticks.Select(t => t[chip])) / Stopwatch.Frequency / microBatch;
        var computeSeconds = Enumerable.Range(0, chips).Select(c => PerSample(compute, c)).ToArray();
        var codecSeconds = Enumerable.Range(0, chips).Select(c => PerSample(codec, c)).ToArray();
        return new PipelineForecast(plan, microBatch, calibrated: true, links, Loads(plan, microBatch, links, computeSeconds, codecSeconds, Enumerable.Repeat(true, chips).ToArray()));
    }

    /// <summary>The same forecast with link time counted (<see cref="LinkEmulation.Modelled"/>) or not (<see cref="LinkEmulation.None"/>); compute and codec unchanged.</summary>
    public PipelineForecast WithLinks(LinkEmulation links)
    {
        if (!Enum.IsDefined(links))
        {
            throw new ArgumentOutOfRangeException(nameof(links), links, $"Network '{Plan.Name}': unknown link emulation {links}.");
        }

        return new PipelineForecast(
            Plan,
            MicroBatch,
            Calibrated,
            links,
            Loads(
                Plan,
                MicroBatch,
                links,
                Chips.Select(c => c.ComputeSecondsPerSample).ToArray(),
                Chips.Select(c => c.CodecSecondsPerSample).ToArray(),
                Chips.Select(c => c.ComputeKnown).ToArray()));
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture,
            $"Forecast of {Plan.Name} ({(Calibrated ? "calibrated: measured compute" : "declared Gflops")}, links {(Links == LinkEmulation.Modelled ? "modelled" : "not counted")}, micro-batch {MicroBatch}): " +
            $"max-load {MaxLoadSecondsPerSample * 1e3:0.###} ms/sample on chip {Bottleneck.Chip}, {SamplesPerSecond:0.##} samples/s\n\n");
        md.Append("| chip | compute ms/sample | codec ms/sample | links in ms/sample | links out ms/sample | load ms/sample |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var chip in Chips)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {chip.Chip} {chip.Name} | {(chip.ComputeKnown ? (chip.ComputeSecondsPerSample * 1e3).ToString("0.###", CultureInfo.InvariantCulture) : "?")} | {chip.CodecSecondsPerSample * 1e3:0.###} | " +
                $"{chip.LinksInSecondsPerSample * 1e3:0.###} | {chip.LinksOutSecondsPerSample * 1e3:0.###} | {chip.LoadSecondsPerSample * 1e3:0.###} |\n");
        }

        return md.ToString();
    }

    private static ChipLoad[] Loads(NetworkPlan plan, int microBatch, LinkEmulation links, double[] compute, double[] codec, bool[] known)
    {
        var linkIn = new double[plan.Chips.Count];
        var linkOut = new double[plan.Chips.Count];
        if (links == LinkEmulation.Modelled)
        {
            foreach (var cut in plan.Cuts)
            {
                var link = plan.Links.FirstOrDefault(l => l.Connects(cut.FromChip, cut.ToChip));
                if (link is not null)
                {
                    var seconds = LinkSecondsPerSample(link, cut.ForwardBytesPerSample, microBatch);
                    linkOut[cut.FromChip] += seconds;
                    linkIn[cut.ToChip] += seconds;
                }
            }
        }

        return plan.Chips
            .Select(c => new ChipLoad(c.Id, c.Name, compute[c.Id], known[c.Id], codec[c.Id], linkIn[c.Id], linkOut[c.Id]))
            .ToArray();
    }

    /// <summary>Modelled link time per sample of a cut in micro-batches of <paramref name="microBatch"/>: latency / m + bytes / bandwidth.</summary>
    public static double LinkSecondsPerSample(LinkInfo link, long bytesPerSample, int microBatch)
    {
        ArgumentNullException.ThrowIfNull(link);
        return (link.LatencyMicroseconds * 1e-6 / microBatch) + (bytesPerSample / (link.GigabytesPerSecond * 1e9));
    }

    private static void CheckMicroBatch(NetworkPlan plan, int microBatch)
    {
        if (microBatch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(microBatch), microBatch, $"Network '{plan.Name}': the micro-batch size must be positive.");
        }
    }

    private static double Median(IEnumerable<long> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}

/// <summary>One chip's load in a <see cref="PipelineForecast"/>, in seconds per sample.</summary>
/// <param name="ComputeKnown">False when the chip declares no Gflops (a declared forecast then counts its compute as zero).</param>
/// <param name="CodecSecondsPerSample">Packing and unpacking its cuts (measured; zero in a declared forecast).</param>
/// <param name="LinksInSecondsPerSample">Modelled time of the cuts it receives over declared links.</param>
/// <param name="LinksOutSecondsPerSample">Modelled time of the cuts it sends over declared links.</param>
public sealed record ChipLoad(
    int Chip,
    string Name,
    double ComputeSecondsPerSample,
    bool ComputeKnown,
    double CodecSecondsPerSample,
    double LinksInSecondsPerSample,
    double LinksOutSecondsPerSample)
{
    /// <summary>Compute + codec + links in + links out.</summary>
    public double LoadSecondsPerSample => ComputeSecondsPerSample + CodecSecondsPerSample + LinksInSecondsPerSample + LinksOutSecondsPerSample;
}
