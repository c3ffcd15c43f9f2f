using System;
using System.Collections.Generic;
using System.Diagnostics;
using Sdk;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Data;
using Sdk.Runtime.Training;

namespace FashionMnistSample;

/// <summary>What to train and how (the command-line options of the sample).</summary>
public sealed record FashionOptions
{
    public int Epochs { get; init; } = 4;

    public int Batch { get; init; } = 64;

    /// <summary>Train on the first N training images only (null: all 60000).</summary>
    public int? Subset { get; init; }

    /// <summary>Seeds the initial weights, the shuffle order and the dropout masks: a seed gives one result.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Peak learning rate of AdamW (cosine schedule with a short linear warm-up).</summary>
    public double LearningRate { get; init; } = 2e-3;

    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Where a checkpoint is written after every epoch (null: none).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Data-parallel replicas of the two chips (each on its share of a batch); the chip set holds 2 x this many chips.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>
    /// When set, the cut travels truncated with adaptive precision from these bits (watching the bottleneck encoder),
    /// and so do the weights sent to the replicas (each layer watching itself); null: the plan's Float32 everywhere.
    /// </summary>
    public AdaptivePrecision? Adaptive { get; init; }

    /// <summary>Whether <see cref="Adaptive"/> applies to the cut (default true; false: the cut keeps the plan's format).</summary>
    public bool AdaptiveCut { get; init; } = true;

    /// <summary>Whether <see cref="Adaptive"/> applies to the weights sent to the replicas (default true; false: they travel in <see cref="Weights"/>).</summary>
    public bool AdaptiveWeights { get; init; } = true;

    /// <summary>The fixed encoding of the weights sent to the replicas when no adaptive policy applies to them (default Float32).</summary>
    public WireEncoding Weights { get; init; } = WireFormat.Float32;

    /// <summary>The chips training needs: two per replica.</summary>
    public int Chips => 2 * Replicas;
}

/// <summary>Progress after one batch: running means over the epoch so far.</summary>
public readonly record struct BatchProgress(int Epoch, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond);

/// <summary>One finished epoch; <see cref="TestAccuracy"/> from the inference model, when evaluated.</summary>
public sealed record EpochResult(int Epoch, double Loss, double Accuracy, double Seconds, double ImagesPerSecond, double? TestAccuracy);

/// <summary>
/// The sample's training loop without any console output, so tests run it in-process: shuffled mini-batches
/// (order from seed and epoch), one <see cref="Trainer"/> step each, a checkpoint per epoch.
/// </summary>
public sealed class FashionTraining
{
    private readonly DataLoader _loader;
    private readonly FashionOptions _options;

    public FashionTraining(FashionCnn network, ImageDataset train, ChipSet chips, FashionOptions options)
        : this(FashionCnn.Plan, (network ?? throw new ArgumentNullException(nameof(network))).Parameters, train, chips, options)
    {
    }

    /// <summary>Trains <paramref name="plan"/> (any plan with 1 x 28 x 28 inputs and 10 classes: a variant, say) with <paramref name="parameters"/>, in place.</summary>
    public FashionTraining(NetworkPlan plan, ParameterSet parameters, ImageDataset train, ChipSet chips, FashionOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loader = new DataLoader(train, options.Batch, shuffle: true, seed: options.Seed);
        var totalSteps = (long)options.Epochs * _loader.BatchCount;
        Trainer = Trainer.Create(plan, parameters, chips, new TrainerOptions
        {
            Optimizer = OptimizerOptions.AdamW(weightDecay: options.WeightDecay),
            Schedule = LearningRateSchedule.Cosine(options.LearningRate, totalSteps, warmupSteps: Math.Min(100, totalSteps / 10)),
            Seed = options.Seed,
            AdaptiveCuts = options.Adaptive is { } cut && options.AdaptiveCut ? new Dictionary<int, AdaptivePrecision> { [0] = cut } : new Dictionary<int, AdaptivePrecision>(),
            DataParallel = new DataParallelOptions
            {
                Replicas = options.Replicas,
                Weights = options.Weights,
                AdaptiveWeights = options.AdaptiveWeights ? options.Adaptive : null,
            },
        });
    }

    public Trainer Trainer { get; }

    public int BatchesPerEpoch => _loader.BatchCount;

    /// <summary>The loss of every batch trained so far by this instance, in order.</summary>
    public List<float> BatchLosses { get; } = new();

    /// <summary>The first <paramref name="count"/> samples of <paramref name="data"/>.</summary>
    public static ImageDataset Subset(ImageDataset data, int count)
    {
        count = Math.Clamp(count, 1, data.Count);
        return new ImageDataset(count, data.Height, data.Width, data.Images[..(count * data.SampleSize)], data.Labels[..count]);
    }

    /// <summary>
    /// Trains from <see cref="Trainer.Epoch"/> (0, or the epoch a loaded checkpoint reached) up to the configured
    /// epoch count. <paramref name="evaluate"/> (optional) is called after each epoch and returns the test accuracy.
    /// </summary>
    public List<EpochResult> Run(Action<BatchProgress>? onBatch = null, Func<double>? evaluate = null, Action<EpochResult>? onEpoch = null)
    {
        var results = new List<EpochResult>();
        for (var epoch = Trainer.Epoch; epoch < _options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0, seen = 0;
            var index = 0;
            foreach (var batch in _loader.Epoch(epoch))
            {
                var step = Trainer.TrainStep(batch.ImageSpan, batch.LabelSpan, batch.Count);
                BatchLosses.Add(step.Loss);
                lossSum += step.Loss * batch.Count;
                correct += step.Correct;
                seen += batch.Count;
                index++;
                onBatch?.Invoke(new BatchProgress(epoch, index, _loader.BatchCount, lossSum / seen, (double)correct / seen, seen / clock.Elapsed.TotalSeconds));
            }

            var seconds = clock.Elapsed.TotalSeconds;
            Trainer.Epoch = epoch + 1;
            if (_options.CheckpointPath is not null)
            {
                Trainer.SaveCheckpoint(_options.CheckpointPath);
            }

            var result = new EpochResult(epoch + 1, lossSum / seen, (double)correct / seen, seconds, seen / seconds, evaluate?.Invoke());
            results.Add(result);
            onEpoch?.Invoke(result);
        }

        return results;
    }

    /// <summary>Test accuracy of the network's current weights on the inference <see cref="Model"/> (BatchNorm folded, running statistics, no dropout).</summary>
    public static double Evaluate(FashionCnn network, ImageDataset test, ChipSet chips, out TrafficLedger ledger, int batch = 500)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Evaluate(FashionCnn.Plan, network.Parameters, test, chips, out ledger, batch);
    }

    /// <summary>Test accuracy of <paramref name="plan"/> with <paramref name="parameters"/> on the inference <see cref="Model"/>.</summary>
    public static double Evaluate(NetworkPlan plan, ParameterSet parameters, ImageDataset test, ChipSet chips, out TrafficLedger ledger, int batch = 500)
    {
        ArgumentNullException.ThrowIfNull(test);
        using var model = Model.Create(plan, parameters, chips);
        var classes = (int)Shapes.Elements(model.OutputShape);
        var loader = new DataLoader(test, batch);
        var logits = new float[batch * classes];
        long correct = 0;
        foreach (var b in loader.Epoch())
        {
            var output = logits.AsSpan(0, b.Count * classes);
            model.Run(b.ImageSpan, b.Count, output);
            for (var n = 0; n < b.Count; n++)
            {
                var row = output.Slice(n * classes, classes);
                var best = 0;
                for (var c = 1; c < classes; c++)
                {
                    best = row[c] > row[best] ? c : best;
                }

                correct += best == b.Labels[n] ? 1 : 0;
            }
        }

        ledger = model.Ledger;
        return (double)correct / test.Count;
    }
}
