using System;
using System.Collections.Generic;
using System.Linq;

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
            : Methods.Distinct().Count() != Methods.Length ? "each method once"
            : null;
    }
}

/// <summary>One run of the study: a network cut at one place through a 1/ratio bottleneck, its weights by one method, one seed.</summary>
public sealed record StudyConfiguration(string Network, string Cut, StudyMethod Method, int Ratio, int Seed)
{
    /// <summary>Unique within a study: <c>FashionCnn/early/Pca/r8/seed2</c>.</summary>
    public string Key => $"{Network}/{Cut}/{Method}/r{Ratio}/seed{Seed}";

    public override string ToString() => $"{Network}, {Cut} cut, {MethodName(Method)}, r = {Ratio}, seed {Seed}";

    public static string MethodName(StudyMethod method) => method switch
    {
        StudyMethod.Trained => "trained",
        StudyMethod.Pca => "PCA",
        _ => "PCA + 1 epoch",
    };
}
