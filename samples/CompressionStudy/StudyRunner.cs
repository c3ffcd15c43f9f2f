using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FashionMnistSample;
using Sdk;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Compression;
using Sdk.Runtime.Data;
using Sdk.Runtime.Weights;

namespace CompressionStudy;

/// <summary>What the study reports while it runs (every member optional).</summary>
public interface IStudyProgress
{
    void Starting(int configurations, int alreadyDone)
    {
    }

    /// <summary>A configuration starts; <paramref name="batches"/> is its training length (0: no training).</summary>
    void Started(StudyConfiguration configuration, int batches)
    {
    }

    void Batch(BatchProgress progress)
    {
    }

    void Finished(StudyResult result, bool skipped)
    {
    }
}

/// <summary>
/// Runs the configurations of <see cref="StudyOptions"/> that <see cref="StudyResults"/> does not hold yet, saving
/// each when it finishes. Per network, cut and seed: the unsplit network (no bottleneck) is trained first and its
/// weights saved (<c>weights/</c>), then each ratio is trained from scratch, PCA-calibrated from those weights, and
/// PCA-calibrated then fine-tuned for one epoch. A ratio whose narrowed width ceil(C / r) equals a smaller ratio's
/// is the same plan: its row repeats that result (<see cref="StudyResult.SameAs"/>).
/// </summary>
public sealed class StudyRunner
{
    private readonly StudyOptions _options;
    private readonly ImageDataset _train;
    private readonly ImageDataset _test;
    private readonly string _weightsDirectory;
    private readonly StudyResults _results;
    private readonly Dictionary<string, PrincipalComponents> _components = new(StringComparer.Ordinal);

    public StudyRunner(StudyResults results, ImageDataset train, ImageDataset test, string outDirectory)
    {
        _results = results;
        _options = results.Options;
        _train = FashionTraining.Subset(train, _options.TrainSamples);
        _test = FashionTraining.Subset(test, _options.TestSamples);
        _weightsDirectory = Path.Combine(outDirectory, "weights");
    }

    public void Run(IStudyProgress progress)
    {
        var configurations = _options.Configurations().ToList();
        progress.Starting(configurations.Count, configurations.Count(c => _results.TryGet(c.Key, out _)));
        using var chips = ChipSet.Cpu(2);
        foreach (var configuration in configurations)
        {
            if (_results.TryGet(configuration.Key, out var done))
            {
                progress.Finished(done, skipped: true);
                continue;
            }

            var result = SamePlanAs(configuration) is { } earlier && _results.TryGet(earlier.Key, out var same)
                ? same with { Key = configuration.Key, Ratio = configuration.Ratio, SameAs = earlier.Ratio }
                : SameRunAs(configuration) is { } trained && _results.TryGet(trained.Key, out var unsplit)
                ? unsplit with { Key = configuration.Key, Method = StudyMethod.Format, Wire = configuration.Wire, SameAsKey = trained.Key }
                : Run(configuration, chips, progress);
            _results.Add(result);
            progress.Finished(result, skipped: false);
        }
    }

    /// <summary>
    /// The cut in Float32 is the trained unsplit network (same plan, seed, data and epochs: the same run): that
    /// configuration, if this is such a format row.
    /// </summary>
    private static StudyConfiguration? SameRunAs(StudyConfiguration c) =>
        c.Method == StudyMethod.Format && StudyWire.Parse(c.Wire!).IsFloat32 ? c with { Method = StudyMethod.Trained, Wire = null } : null;

    /// <summary>The configuration of the smallest ratio that narrows the cut to the same width, if not this one.</summary>
    private StudyConfiguration? SamePlanAs(StudyConfiguration c)
    {
        if (c.Ratio == 1 || c.Wire is not null)
        {
            return null;
        }

        var network = StudyNetwork.Named(c.Network);
        var first = _options.Ratios.Where(r => r > 1).First(r => network.Width(c.Cut, r) == network.Width(c.Cut, c.Ratio));
        return first != c.Ratio ? c with { Ratio = first } : null;
    }

    private StudyResult Run(StudyConfiguration c, ChipSet chips, IStudyProgress progress)
    {
        var network = StudyNetwork.Named(c.Network);
        var plan = network.Variant(c.Cut, c.Ratio);
        var batches = (_train.Count + _options.Batch - 1) / _options.Batch;
        switch (c.Method)
        {
            case StudyMethod.Format:
            {
                progress.Started(c, batches * _options.Epochs);
                var wire = StudyWire.Parse(c.Wire!);
                var reader = network.Readers[c.Cut];
                if (wire.Fixed is { } encoding)
                {
                    plan = plan.WithTransfer(reader, encoding.Format, encoding.Bits);
                }

                var parameters = new ParameterSet(plan, c.Seed);
                var training = Train(plan, parameters, chips, _options.Epochs, _options.LearningRate, c.Seed, progress,
                    o => o with { Adaptive = wire.Adaptive, AdaptiveWeights = false });

                // Adaptive: evaluated with the cut at the bits training ended at.
                var evaluated = training.CutBits is int bits ? plan.WithTransfer(reader, WireFormat.Truncated, bits) : plan;
                return Evaluate(c, network, evaluated, parameters, chips, training, _options.Epochs, calibration: null) with { Wire = c.Wire };
            }

            case StudyMethod.Exchange:
            {
                progress.Started(c, batches * _options.Epochs);
                var wire = StudyWire.Parse(c.Wire!);
                var replicas = _options.FormatStudy!.Replicas;
                var parameters = new ParameterSet(plan, c.Seed);
                Training training;
                using (var replicated = ChipSet.Cpu(replicas * plan.Chips.Count))
                {
                    training = Train(plan, parameters, replicated, _options.Epochs, _options.LearningRate, c.Seed, progress,
                        o => o with { Replicas = replicas, Weights = wire.Fixed ?? WireFormat.Float32, Adaptive = wire.Adaptive, AdaptiveCut = false });
                }

                return Evaluate(c, network, plan, parameters, chips, training, _options.Epochs, calibration: null) with { Wire = c.Wire, Replicas = replicas };
            }

            case StudyMethod.Trained:
            {
                progress.Started(c, batches * _options.Epochs);
                var parameters = new ParameterSet(plan, c.Seed);
                var training = Train(plan, parameters, chips, _options.Epochs, _options.LearningRate, c.Seed, progress);
                if (c.Ratio == 1)
                {
                    Directory.CreateDirectory(_weightsDirectory);
                    parameters.Save(WeightsPath(c));
                }

                return Evaluate(c, network, plan, parameters, chips, training, _options.Epochs, calibration: null);
            }

            case StudyMethod.Pca:
            {
                progress.Started(c, 0);
                var (parameters, calibration) = Calibrate(c, network, plan, chips);
                return Evaluate(c, network, plan, parameters, chips, training: null, _options.Epochs, calibration);
            }

            default:
            {
                progress.Started(c, batches);
                var (parameters, calibration) = Calibrate(c, network, plan, chips);
                var training = Train(plan, parameters, chips, 1, _options.FineTuneLearningRate, c.Seed, progress);
                return Evaluate(c, network, plan, parameters, chips, training, _options.Epochs + 1, calibration);
            }
        }
    }

    private Training Train(
        NetworkPlan plan, ParameterSet parameters, ChipSet chips, int epochs, double learningRate, int seed, IStudyProgress progress,
        Func<FashionOptions, FashionOptions>? configure = null)
    {
        var options = new FashionOptions { Epochs = epochs, Batch = _options.Batch, Seed = seed, LearningRate = learningRate };
        var run = new FashionTraining(plan, parameters, _train, chips, configure?.Invoke(options) ?? options);
        using var trainer = run.Trainer;
        var epochsRun = run.Run(onBatch: progress.Batch);
        var ledger = trainer.Ledger;
        return new Training(
            epochsRun.Average(e => e.Seconds),
            run.BatchLosses.Take(4).Average(),
            run.BatchLosses.TakeLast(4).Average(),
            ledger.BackwardSamples,
            ledger.ForwardBytes + ledger.BackwardBytes,
            ledger.MatchesPlan,
            ledger.ForwardBytes,
            ledger.Float32Bytes,
            ledger.Cuts.Single().Encodings.ToString(),
            run.BatchLosses.Count,
            ledger.Exchange.WeightBytes,
            ledger.Exchange.GradientBytes,
            ledger.Exchange.WeightEncodings.ToString(),
            trainer.Precision.Cut(0)?.Bits);
    }

    /// <summary>The variant's weights: the unsplit network's (same cut, seed and epochs), its bottleneck set by PCA on the cut tensor.</summary>
    private (ParameterSet Parameters, Calibration Calibration) Calibrate(StudyConfiguration c, StudyNetwork network, NetworkPlan plan, ChipSet chips)
    {
        var clock = Stopwatch.StartNew();
        var unsplitPlan = network.Variant(c.Cut, 1);
        var unsplit = new ParameterSet(unsplitPlan);
        var weights = WeightsPath(c with { Method = StudyMethod.Trained, Ratio = 1 });
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException($"The unsplit network's weights '{weights}' are missing (the results record it as trained); delete its row from the results or start in a new --out.", weights);
        }

        unsplit.Load(weights);
        var key = $"{c.Network}/{c.Cut}/seed{c.Seed}";
        if (!_components.TryGetValue(key, out var components))
        {
            using var model = Model.Create(unsplitPlan, unsplit, chips);
            var cut = unsplitPlan.Cuts.Single();
            var samples = _options.CalibrationSamples;
            components = PrincipalComponents.Of(PcaCalibration.Measure(model, cut.From, _train.Images.AsSpan(0, samples * _train.SampleSize), samples));
            _components[key] = components;
        }

        var parameters = new ParameterSet(plan, c.Seed);
        parameters.CopyFrom(unsplit);
        var explained = PcaCalibration.Apply(parameters, plan.Cuts.Single(), components);
        return (parameters, new Calibration(explained, clock.Elapsed.TotalSeconds));
    }

    private StudyResult Evaluate(StudyConfiguration c, StudyNetwork network, NetworkPlan plan, ParameterSet parameters, ChipSet chips, Training? training, int epochs, Calibration? calibration)
    {
        var accuracy = FashionTraining.Evaluate(plan, parameters, _test, chips, out var ledger);
        var links = CostModel.Of(plan, training: true).Links.Sum(l => l.Seconds);
        return new StudyResult(
            c.Key, c.Network, c.Cut, c.Method, c.Ratio, c.Seed,
            network.Channels(c.Cut), network.Width(c.Cut, c.Ratio), SameAs: null, epochs,
            accuracy, plan.ForwardBytesPerSample, plan.BackwardBytesPerSample, links * 1e6,
            training?.Samples ?? 0, training?.MeasuredBytes ?? 0, ledger.ForwardSamples, ledger.ForwardBytes,
            ledger.MatchesPlan && (training?.LedgerMatchesPlan ?? true),
            training?.EpochSeconds, training?.FirstLoss, training?.LastLoss, calibration?.ExplainedVariance, calibration?.Seconds)
        {
            // Only the format and exchange rows carry the ledger's detail (the bottleneck rows' file stays as it was).
            TrainingForwardBytes = c.Wire is null ? null : training?.ForwardBytes,
            Float32Bytes = c.Wire is null ? null : training?.Float32Bytes,
            CutEncodings = c.Wire is null ? null : training?.CutEncodings,
            Steps = c.Wire is null ? null : training?.Steps,
            ExchangeWeightBytes = c.Method == StudyMethod.Exchange ? training?.ExchangeWeightBytes : null,
            ExchangeGradientBytes = c.Method == StudyMethod.Exchange ? training?.ExchangeGradientBytes : null,
            WeightEncodings = c.Method == StudyMethod.Exchange ? training?.WeightEncodings : null,
        };
    }

    private string WeightsPath(StudyConfiguration c) => Path.Combine(_weightsDirectory, $"{c.Network}-{c.Cut}-seed{c.Seed}.safetensors");

    private sealed record Training(
        double EpochSeconds, double FirstLoss, double LastLoss, long Samples, long MeasuredBytes, bool LedgerMatchesPlan,
        long ForwardBytes, long Float32Bytes, string CutEncodings, long Steps,
        long ExchangeWeightBytes, long ExchangeGradientBytes, string WeightEncodings, int? CutBits);

    private sealed record Calibration(double ExplainedVariance, double Seconds);
}
