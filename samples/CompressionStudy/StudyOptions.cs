using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace CompressionStudy;

/// <summary>How a bottlenecked split of the study got its weights.</summary>
public enum StudyMethod
{
    /// <summary>Trained from scratch with the bottleneck in place (ratio 1: the unsplit network).</summary>
    Trained,

    /// <summary>The unsplit network's weights, the bottleneck set by PCA on the cut tensor, no retraining.</summary>
    Pca,

    /// <summary>The PCA-calibrated network trained one more epoch at a lower learning rate.</summary>
    PcaFineTuned,

    /// <summary>No bottleneck; the cut's tensor (and its gradient) travels in another wire format or adaptive precision; trained from scratch.</summary>
    Format,

    /// <summary>Data-parallel replicas of the split network (cut in Float32); the weights sent to the replicas travel in another format or adaptive precision; trained from scratch.</summary>
    Exchange,
}

/// <summary>
/// The format study (issue 12): per network of <see cref="Networks"/>, seed of <see cref="Seeds"/> and cut of the
/// study, the unsplit network trained with its cut's tensor in each wire of <see cref="Formats"/>; and per network and
/// seed, <see cref="Replicas"/> data-parallel replicas of the network split at its early cut, the weights sent to
/// the replicas in each wire of <see cref="Exchange"/> (gradients come back in Float32). Names as <see cref="StudyWire.Parse"/>.
/// </summary>
public sealed record FormatAxis
{
    public string[] Formats { get; init; } = StudyWire.Defaults;

    public string[] Exchange { get; init; } = StudyWire.Defaults;

    /// <summary>The format rows' seeds (may be fewer than the bottleneck rows').</summary>
    public int[] Seeds { get; init; } = [1, 2, 3];

    public string[] Networks { get; init; } = ["FashionCnn"];

    public int Replicas { get; init; } = 2;
}

/// <summary>
/// What the study runs: which networks, cuts, ratios and methods, with which seeds, on how much data. Every row of
/// the study uses the same seeds and epochs. The defaults are the full study of docs/compression.md.
/// </summary>
public sealed record StudyOptions
{
    public int[] Seeds { get; init; } = [1, 2, 3];

    /// <summary>Epochs of every network trained from scratch (the unsplit one included); fine-tuning adds one.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>The first N training images (of 60000).</summary>
    public int TrainSamples { get; init; } = 8000;

    /// <summary>The first N test images (of 10000).</summary>
    public int TestSamples { get; init; } = 10000;

    /// <summary>The first N training images are the PCA calibration samples.</summary>
    public int CalibrationSamples { get; init; } = 2000;

    public int Batch { get; init; } = 64;

    /// <summary>Peak learning rate of AdamW (cosine schedule), as the Fashion-MNIST sample.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Peak learning rate of the one fine-tuning epoch after PCA calibration.</summary>
    public double FineTuneLearningRate { get; init; } = 5e-4;

    public int[] Ratios { get; init; } = [1, 2, 4, 8, 16, 32, 64];

    public string[] Networks { get; init; } = StudyNetwork.All.Select(n => n.Name).ToArray();

    public string[] Cuts { get; init; } = ["early", "late"];

    /// <summary>Methods of the bottlenecked rows; the unsplit network (trained, ratio 1) is always trained, as the baseline and the source of PCA.</summary>
    public StudyMethod[] Methods { get; init; } = [StudyMethod.Trained, StudyMethod.Pca, StudyMethod.PcaFineTuned];

    /// <summary>The format rows, run after every bottleneck row; null (the default, and absent from a results file): none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FormatAxis? FormatStudy { get; init; }

    /// <summary>Every configuration, in the order the study runs them: per seed, network and cut, the unsplit network first.</summary>
    public IEnumerable<StudyConfiguration> Configurations()
    {
        foreach (var seed in Seeds)
        {
            foreach (var network in Networks)
            {
                foreach (var cut in Cuts)
                {
                    yield return new StudyConfiguration(network, cut, StudyMethod.Trained, 1, seed);
                    foreach (var method in Methods)
                    {
                        foreach (var ratio in Ratios.Where(r => r > 1))
                        {
                            yield return new StudyConfiguration(network, cut, method, ratio, seed);
                        }
                    }
                }
            }
        }

        if (FormatStudy is not { } axis)
        {
            yield break;
        }

        foreach (var seed in axis.Seeds)
        {
            foreach (var network in axis.Networks)
            {
                foreach (var cut in Cuts)
                {
                    foreach (var wire in axis.Formats)
                    {
                        yield return new StudyConfiguration(network, cut, StudyMethod.Format, 1, seed, wire);
                    }
                }

                foreach (var wire in axis.Exchange)
                {
                    yield return new StudyConfiguration(network, "early", StudyMethod.Exchange, 1, seed, wire);
                }
            }
        }
    }

    /// <summary>A problem with the options, in one line, or null.</summary>
    public string? Problem()
    {
        static bool Positive(IEnumerable<int> values) => values.Any() && values.All(v => v > 0);
        return !Positive(Seeds) ? "--seeds needs one or more positive seeds"
            : Epochs < 1 ? "--epochs must be at least 1"
            : TrainSamples < 1 || TestSamples < 1 || CalibrationSamples < 1 || Batch < 1 ? "sample counts and the batch must be positive"
            : CalibrationSamples > TrainSamples ? "the calibration samples are taken from the training samples: at most --train of them"
            : !Positive(Ratios) || Ratios[0] != 1 || Ratios.Distinct().Count() != Ratios.Length ? "the ratios start with 1 and are distinct and positive"
            : Networks.Length == 0 || Networks.Any(n => StudyNetwork.All.All(s => s.Name != n)) ? $"--networks takes names among {string.Join(", ", StudyNetwork.All.Select(n => n.Name))}"
            : Cuts.Length == 0 || Cuts.Any(c => c is not ("early" or "late")) ? "--cuts takes early, late or both"
            : Methods.Distinct().Count() != Methods.Length || Methods.Any(m => m is StudyMethod.Format or StudyMethod.Exchange) ? "each method once, of Trained, Pca, PcaFineTuned (format rows: --formats)"
            : FormatStudy is { } axis ? FormatProblem(axis)
            : null;
    }

    private static string? FormatProblem(FormatAxis axis)
    {
        static bool Positive(IEnumerable<int> values) => values.Any() && values.All(v => v > 0);
        foreach (var name in axis.Formats.Concat(axis.Exchange))
        {
            try
            {
                if (StudyWire.Parse(name).Name != name)
                {
                    return $"format '{name}' is not canonical: write {StudyWire.Parse(name).Name}";
                }
            }
            catch (ArgumentException error)
            {
                return error.Message;
            }
        }

        return axis.Formats.Length + axis.Exchange.Length == 0 ? "--formats and --exchange: at least one format"
            : axis.Formats.Distinct().Count() != axis.Formats.Length || axis.Exchange.Distinct().Count() != axis.Exchange.Length ? "each format once"
            : !Positive(axis.Seeds) ? "--format-seeds needs one or more positive seeds"
            : axis.Networks.Length == 0 || axis.Networks.Any(n => StudyNetwork.All.All(s => s.Name != n)) ? $"--format-networks takes names among {string.Join(", ", StudyNetwork.All.Select(n => n.Name))}"
            : axis.Replicas is < 2 or > 8 ? "--replicas: 2 to 8 (the exchange rows need more than one replica)"
            : null;
    }
}

/// <summary>One run of the study: a network cut at one place through a 1/ratio bottleneck, its weights by one method, one seed.</summary>
/// <param name="Wire">Format and exchange rows: the wire's canonical name (<see cref="StudyWire"/>); null for the bottleneck rows.</param>
public sealed record StudyConfiguration(string Network, string Cut, StudyMethod Method, int Ratio, int Seed, string? Wire = null)
{
    /// <summary>Unique within a study: <c>FashionCnn/early/Pca/r8/seed2</c>, <c>FashionCnn/early/Format/Truncated:12/r1/seed1</c>.</summary>
    public string Key => Wire is null ? $"{Network}/{Cut}/{Method}/r{Ratio}/seed{Seed}" : $"{Network}/{Cut}/{Method}/{Wire}/r{Ratio}/seed{Seed}";

    public override string ToString() =>
        $"{Network}, {Cut} cut, {MethodName(Method)}{(Wire is null ? string.Empty : $" {StudyWire.Parse(Wire).Description}")}, r = {Ratio}, seed {Seed}";

    public static string MethodName(StudyMethod method) => method switch
    {
        StudyMethod.Trained => "trained",
        StudyMethod.Pca => "PCA",
        StudyMethod.PcaFineTuned => "PCA + 1 epoch",
        StudyMethod.Format => "cut in",
        _ => "exchange in",
    };
}
