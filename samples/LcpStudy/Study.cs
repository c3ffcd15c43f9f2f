using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Data;
using Sdk.Runtime.Training;

namespace LcpStudy;

/// <summary>How much to train and measure. The defaults are the full study; docs/compression.md gives the sizes of the run committed.</summary>
public sealed record StudyOptions
{
    /// <summary>Training images: the first N of the 60,000.</summary>
    public int TrainImages { get; init; } = 10000;

    /// <summary>Test images: the first N of the 10,000.</summary>
    public int TestImages { get; init; } = 10000;

    public int Epochs { get; init; } = 3;

    public int Batch { get; init; } = 64;

    /// <summary>Each seed sets the initial weights, the shuffle order and the dropout masks.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = new[] { 1, 2, 3 };

    /// <summary>Peak learning rate of AdamW (cosine schedule, short warm-up), as the FashionMnist sample.</summary>
    public double LearningRate { get; init; } = 3e-3;

    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Samples per pipelined inference run (measured throughput), in micro-batches of <see cref="MicroBatch"/>.</summary>
    public int ThroughputSamples { get; init; } = 1024;

    public int MicroBatch { get; init; } = 16;
}

/// <summary>One way to put the network on chips: its name and its compiled plan.</summary>
public sealed record Variant(string Name, NetworkPlan Plan);

/// <summary>What the study found for one variant.</summary>
/// <param name="MeasuredTrainingBytesPerSample">Forward and backward bytes the trainer's ledger measured, per sample trained.</param>
/// <param name="ModelledSamplesPerSecond">Inference, pipelined in micro-batches, by the cost model: declared GFLOP/s and links.</param>
/// <param name="ModelledTrainingSamplesPerSecond">Training (forward, backward, gradients back), pipelined, by the cost model.</param>
/// <param name="MeasuredSamplesPerSecond">Pipelined inference on this host's CPU chips with every transfer held for its link's modelled time.</param>
/// <param name="Accuracies">Test accuracy after training, one per seed.</param>
public sealed record VariantResult(
    string Name,
    int Chips,
    long Parameters,
    long ForwardBytesPerSample,
    long TrainingBytesPerSample,
    double MeasuredTrainingBytesPerSample,
    bool LedgersMatchPlan,
    string Bottleneck,
    double ModelledSamplesPerSecond,
    double ModelledTrainingSamplesPerSecond,
    double MeasuredSamplesPerSecond,
    IReadOnlyList<double> Accuracies)
{
    public double MeanAccuracy => Accuracies.Average();

    /// <summary>Sample standard deviation over the seeds (0 for one seed).</summary>
    public double AccuracySpread =>
        Accuracies.Count < 2 ? 0 : Math.Sqrt(Accuracies.Sum(a => (a - MeanAccuracy) * (a - MeanAccuracy)) / (Accuracies.Count - 1));
}

/// <summary>
/// The comparison: each variant trained from each seed on the same images for the same epochs with the same
/// optimiser, on CPU chips of its own chip count (so the trainer's ledger measures the training traffic), then
/// evaluated on the test images; its traffic from the plan; its throughput modelled by the cost model and measured
/// in a pipelined run over links emulated at the declared bandwidth.
/// </summary>
public static class Study
{
    public static IReadOnlyList<Variant> Variants { get; } = new[]
    {
        new Variant("layer-wise, 2 chips", LayerwiseTwo.Plan),
        new Variant("layer-wise, 4 chips", LayerwiseFour.Plan),
        new Variant("LCP, 2 branches", LcpTwo.Plan),
        new Variant("LCP, 4 branches", LcpFour.Plan),
    };

    /// <summary>Trainable parameters of a plan (BatchNorm statistics excluded).</summary>
    public static long Parameters(NetworkPlan plan) => plan.Layers.Sum(l => l.ParameterCount);

    public static VariantResult Run(Variant variant, ImageDataset train, ImageDataset test, StudyOptions options, Action<string>? log = null)
    {
        var plan = variant.Plan;
        using var chips = ChipSet.Cpu(plan.Chips.Count);
        var accuracies = new List<double>();
        var ledgersMatch = true;
        long trainedSamples = 0, trainingBytes = 0;
        ParameterSet? trained = null;
        foreach (var seed in options.Seeds)
        {
            var clock = Stopwatch.StartNew();
            var parameters = new ParameterSet(plan, seed);
            using var trainer = Train(plan, parameters, train, chips, options, seed);
            ledgersMatch &= trainer.Ledger.MatchesPlan;
            trainedSamples += trainer.Ledger.ForwardSamples;
            trainingBytes += trainer.Ledger.ForwardBytes + trainer.Ledger.BackwardBytes;
            var accuracy = Evaluate(plan, parameters, test, chips, out var inferenceLedger);
            ledgersMatch &= inferenceLedger.MatchesPlan;
            accuracies.Add(accuracy);
            trained = parameters;
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{variant.Name}, seed {seed}: test accuracy {accuracy:P2} ({clock.Elapsed.TotalSeconds:0} s)"));
        }

        var forecast = PipelineForecast.FromPlan(plan, options.MicroBatch);
        var training = CostModel.Of(plan, training: true, options.MicroBatch);
        var measured = MeasurePipelined(plan, trained!, test, chips, options, out var pipelineMatches);
        return new VariantResult(
            variant.Name,
            plan.Chips.Count,
            Parameters(plan),
            plan.ForwardBytesPerSample,
            plan.ForwardBytesPerSample + plan.BackwardBytesPerSample,
            (double)trainingBytes / trainedSamples,
            ledgersMatch && pipelineMatches,
            forecast.Bottleneck,
            forecast.SamplesPerSecond,
            1 / training.MaxLoad,
            measured,
            accuracies);
    }

    /// <summary>Trains <paramref name="parameters"/> in place (AdamW, cosine schedule); returns the trainer, whose ledger measured the traffic.</summary>
    public static Trainer Train(NetworkPlan plan, ParameterSet parameters, ImageDataset train, ChipSet chips, StudyOptions options, int seed)
    {
        var loader = new DataLoader(train, options.Batch, shuffle: true, seed: seed);
        var steps = (long)options.Epochs * loader.BatchCount;
        var trainer = Trainer.Create(plan, parameters, chips, new TrainerOptions
        {
            Optimizer = OptimizerOptions.AdamW(weightDecay: options.WeightDecay),
            Schedule = LearningRateSchedule.Cosine(options.LearningRate, steps, warmupSteps: Math.Min(100, steps / 10)),
            Seed = seed,
        });
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            foreach (var batch in loader.Epoch(epoch))
            {
                trainer.TrainStep(batch.ImageSpan, batch.LabelSpan, batch.Count);
            }
        }

        return trainer;
    }

    /// <summary>Test accuracy of the inference model (BatchNorm folded, running statistics, no dropout).</summary>
    public static double Evaluate(NetworkPlan plan, ParameterSet parameters, ImageDataset test, ChipSet chips, out TrafficLedger ledger)
    {
        using var model = Model.Create(plan, parameters, chips);
        var loader = new DataLoader(test, 500);
        long correct = 0;
        foreach (var b in loader.Epoch())
        {
            var logits = model.Run(b.ImageSpan, b.Count);
            for (var n = 0; n < b.Count; n++)
            {
                correct += ArgMax(logits.AsSpan(n * 10, 10)) == b.Labels[n] ? 1 : 0;
            }
        }

        ledger = model.Ledger;
        return (double)correct / test.Count;
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            best = row[i] > row[best] ? i : best;
        }

        return best;
    }

    /// <summary>Samples per second of a pipelined run (after one warm-up run) with every transfer held for its link's modelled time.</summary>
    public static double MeasurePipelined(NetworkPlan plan, ParameterSet parameters, ImageDataset data, ChipSet chips, StudyOptions options, out bool ledgerMatches)
    {
        var samples = Math.Min(options.ThroughputSamples, data.Count);
        var input = data.Images.AsSpan(0, samples * data.SampleSize).ToArray();
        var pipeline = new PipelineOptions { MicroBatch = options.MicroBatch, Links = LinkEmulation.Modelled };
        using var model = Model.Create(plan, parameters, chips);
        model.RunPipelined(input, samples, pipeline);
        model.Ledger.Reset();
        var stats = model.RunPipelined(input, samples, new float[samples * 10], pipeline);
        ledgerMatches = model.Ledger.MatchesPlan;
        return stats.SamplesPerSecond;
    }

    /// <summary>The results as a Markdown table with the settings and the command that made them.</summary>
    public static string Markdown(IReadOnlyList<VariantResult> results, StudyOptions options, string command)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.Append(c, $"Fashion-MNIST, the first {options.TrainImages} training images for {options.Epochs} epochs (batch {options.Batch}, AdamW, cosine from {options.LearningRate}), ");
        md.Append(c, $"the first {options.TestImages} test images; seeds {string.Join(", ", options.Seeds)}. Chips of 2 GFLOP/s, every pair linked at 100 Mbit/s (12.5 MB/s, 50 µs); ");
        md.Append(c, $"throughput pipelined in micro-batches of {options.MicroBatch} ({options.ThroughputSamples} samples measured).\n\n");
        md.Append("| variant | chips | parameters | forward B/sample | training B/sample | measured = plan | slowest stage | modelled inference samples/s | measured pipelined samples/s | modelled training samples/s | test accuracy (mean ± sd) | per seed |\n");
        md.Append("|---|---:|---:|---:|---:|---|---|---:|---:|---:|---|---|\n");
        foreach (var r in results)
        {
            md.Append(c, $"| {r.Name} | {r.Chips} | {r.Parameters} | {r.ForwardBytesPerSample} | {r.TrainingBytesPerSample} | {(r.LedgersMatchPlan && r.MeasuredTrainingBytesPerSample == r.TrainingBytesPerSample ? "yes" : "**no**")} | {r.Bottleneck} | ");
            md.Append(c, $"{r.ModelledSamplesPerSecond:0} | {r.MeasuredSamplesPerSecond:0} | {r.ModelledTrainingSamplesPerSecond:0} | {r.MeanAccuracy:P2} ± {r.AccuracySpread * 100:0.00} | {string.Join(", ", r.Accuracies.Select(a => a.ToString("P2", c)))} |\n");
        }

        md.Append(c, $"\nRegenerate: `{command}`\n");
        return md.ToString();
    }
}
