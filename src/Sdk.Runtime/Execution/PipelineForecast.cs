using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Runtime;

/// <summary>
/// Predicted throughput of a pipelined run, by the SDK's one cost model (<see cref="CostModel"/>, which placement
/// minimises and the traffic report shows): when samples stream through the chips, every chip and every direction
/// of every link is a pipeline stage, each with its time per sample, and the pipeline delivers one sample per
/// slowest stage: throughput = 1 / max-load. Links work beside the chips, as the pipelined executor emulates them
/// (<see cref="LinkEmulation.Modelled"/>): a transfer holds its link, not its chips.
/// </summary>
/// <remarks>
/// What is counted, per sample, for micro-batches of <c>m</c> samples:
/// <list type="bullet">
/// <item>a chip: declared, <c>Flops / (Gflops · 1e9)</c> (zero, and <see cref="ChipLoad.ComputeKnown"/> false, for a
/// chip that declares no Gflops); calibrated, the measured time of the chip's layers per sample in a sequential run
/// of micro-batches of <c>m</c>, plus the measured time of packing its outgoing and unpacking its incoming cuts;</item>
/// <item>a link (a direction of a declared pair): the modelled time of every cut it carries, one micro-batch's
/// transfer divided by <c>m</c>: <c>latency / m + bytes per sample / bandwidth</c> (so micro-batches pay the latency
/// once each). Cuts without a declared link count zero; with <see cref="LinkEmulation.None"/> no link is counted.</item>
/// </list>
/// Not counted: time waiting in the pipeline (fill and drain: the first sample comes out after the sum of the
/// stages, so a batch of <c>n</c> micro-batches takes about <c>(n + stages - 1)</c> times the slowest stage),
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
        LinkLoads = links == LinkEmulation.Modelled ? CostModel.Of(plan, training: false, microBatch).Links : EquatableArray<LinkLoad>.Empty;
        var stages = new StageLoads(chips.Select(c => c.LoadSecondsPerSample).ToEquatableArray(), LinkLoads);
        MaxLoadSecondsPerSample = stages.MaxLoad;
        Bottleneck = stages.Bottleneck;
    }

    public NetworkPlan Plan { get; }

    public int MicroBatch { get; }

    /// <summary>False: compute from the declared Gflops. True: compute and codec measured on the model's chips.</summary>
    public bool Calibrated { get; }

    /// <summary>Whether link time is counted (<see cref="LinkEmulation.Modelled"/>) or not (<see cref="LinkEmulation.None"/>).</summary>
    public LinkEmulation Links { get; }

    /// <summary>One per chip, in chip order.</summary>
    public IReadOnlyList<ChipLoad> Chips { get; }

    /// <summary>One per direction of a chip pair that carries cuts (none when links are not counted).</summary>
    public EquatableArray<LinkLoad> LinkLoads { get; }

    /// <summary>The slowest stage: "chip 2" or "link 0 → 1" (the lowest chip among equals, chips before links).</summary>
    public string Bottleneck { get; }

    /// <summary>The largest load: seconds per sample of the slowest stage.</summary>
    public double MaxLoadSecondsPerSample { get; }

    /// <summary>Predicted throughput: 1 / max-load (infinity when every load is zero).</summary>
    public double SamplesPerSecond => 1 / MaxLoadSecondsPerSample;

    /// <summary>False when some chip declares no Gflops (its compute then counts zero) in a declared forecast.</summary>
    public bool Complete => Chips.All(c => c.ComputeKnown);

    /// <summary>
    /// 1 / (sum over chips of compute + codec): the throughput when all chips share one host's cores and each
    /// chip's kernels, as measured, already used them all (CPU chips of <c>ChipSet.Cpu</c>). Pipelining then
    /// overlaps only the idle time of the kernels and the links.
    /// </summary>
    public double SharedHostSamplesPerSecond => 1 / Chips.Sum(c => c.LoadSecondsPerSample);

    /// <summary>The forecast of the declared hardware: compute from each chip's Gflops, links from the declared links.</summary>
    public static PipelineForecast FromPlan(NetworkPlan plan, int microBatch = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        CheckMicroBatch(plan, microBatch);
        var compute = CostModel.Of(plan).Chips;
        var chips = plan.Chips.Select(c => new ChipLoad(c.Id, c.Name, compute[c.Id], c.Gflops > 0, 0)).ToArray();
        return new PipelineForecast(plan, microBatch, calibrated: false, LinkEmulation.Modelled, chips);
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
        var loads = plan.Chips.Select(c => new ChipLoad(c.Id, c.Name, computeSeconds[c.Id], true, codecSeconds[c.Id])).ToArray();
        return new PipelineForecast(plan, microBatch, calibrated: true, links, loads);
    }

    /// <summary>The same forecast with link time counted (<see cref="LinkEmulation.Modelled"/>) or not (<see cref="LinkEmulation.None"/>); compute and codec unchanged.</summary>
    public PipelineForecast WithLinks(LinkEmulation links)
    {
        if (!Enum.IsDefined(links))
        {
            throw new ArgumentOutOfRangeException(nameof(links), links, $"Network '{Plan.Name}': unknown link emulation {links}.");
        }

        return new PipelineForecast(Plan, MicroBatch, Calibrated, links, Chips);
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture,
            $"Forecast of {Plan.Name} ({(Calibrated ? "calibrated: measured compute" : "declared Gflops")}, links {(Links == LinkEmulation.Modelled ? "modelled" : "not counted")}, micro-batch {MicroBatch}): " +
            $"max-load {MaxLoadSecondsPerSample * 1e3:0.###} ms/sample on {Bottleneck}, {SamplesPerSecond:0.##} samples/s\n\n");
        md.Append("| stage | compute ms/sample | codec ms/sample | load ms/sample |\n|---|---:|---:|---:|\n");
        foreach (var chip in Chips)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| chip {chip.Chip} {chip.Name} | {(chip.ComputeKnown ? (chip.ComputeSecondsPerSample * 1e3).ToString("0.###", CultureInfo.InvariantCulture) : "?")} | {chip.CodecSecondsPerSample * 1e3:0.###} | {chip.LoadSecondsPerSample * 1e3:0.###} |\n");
        }

        foreach (var link in LinkLoads)
        {
            md.Append(CultureInfo.InvariantCulture, $"| link {link.FromChip} → {link.ToChip} | | | {link.Seconds * 1e3:0.###} |\n");
        }

        return md.ToString();
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
public sealed record ChipLoad(int Chip, string Name, double ComputeSecondsPerSample, bool ComputeKnown, double CodecSecondsPerSample)
{
    /// <summary>Compute + codec.</summary>
    public double LoadSecondsPerSample => ComputeSecondsPerSample + CodecSecondsPerSample;
}
