using System.Text.Json.Serialization;

namespace CompressionStudy;

/// <summary>
/// One finished configuration. Bytes are per sample and come from the variant's plan; the ledgers' measured totals
/// are kept beside them (training: forward and backward over every sample trained; evaluation: forward over the
/// test set).
/// </summary>
/// <param name="Channels">C, the channels of the cut tensor; <paramref name="Width"/> = ceil(C / r) cross.</param>
/// <param name="SameAs">A smaller ratio whose plan is this one (ceil(C / r) is the same): its result, not run again.</param>
/// <param name="Epochs">Epochs the weights saw in all (PCA: the unsplit network's; fine-tuned: one more).</param>
/// <param name="LinkMicroseconds">The modelled link time of one training sample (forward tensor and gradient back) on the declared link.</param>
/// <param name="EpochSeconds">Measured seconds per training epoch of this row's own training (null for PCA without retraining).</param>
/// <param name="FirstLoss">Mean loss of the first four batches of this row's training; <paramref name="LastLoss"/> of the last four.</param>
/// <param name="Wire">Format and exchange rows: the wire's canonical name (<see cref="StudyWire"/>). This and every later field is absent (null) in a bottleneck row.</param>
/// <param name="SameAsKey">A row whose run this one is (the cut in Float32 is the trained unsplit network): its result, not run again.</param>
/// <param name="TrainingForwardBytes">Measured bytes of the cut's forward tensors over training (adaptive: at the bits of each step).</param>
/// <param name="Float32Bytes">What training's transfers (cut and exchange) would have carried in Float32, by the ledger.</param>
/// <param name="CutEncodings">The cut's encodings in training, by the ledger: <c>Truncated(12) → Truncated(14)</c>.</param>
/// <param name="Steps">Optimiser steps of the training.</param>
/// <param name="Replicas">Exchange rows: data-parallel replicas.</param>
/// <param name="ExchangeWeightBytes">Exchange rows: measured bytes of the weights sent to the replicas over training.</param>
/// <param name="ExchangeGradientBytes">Exchange rows: measured bytes of the gradients sent back (Float32).</param>
/// <param name="WeightEncodings">Exchange rows: the weights' encodings, narrowest and widest over layers and steps.</param>
public sealed record StudyResult(
    string Key,
    string Network,
    string Cut,
    StudyMethod Method,
    int Ratio,
    int Seed,
    int Channels,
    int Width,
    int? SameAs,
    int Epochs,
    double TestAccuracy,
    long ForwardBytesPerSample,
    long BackwardBytesPerSample,
    double LinkMicroseconds,
    long TrainingSamples,
    long MeasuredTrainingBytes,
    long EvaluationSamples,
    long MeasuredEvaluationBytes,
    bool LedgersMatchPlan,
    double? EpochSeconds,
    double? FirstLoss,
    double? LastLoss,
    double? ExplainedVariance,
    double? CalibrationSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Wire = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SameAsKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TrainingForwardBytes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Float32Bytes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CutEncodings = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Steps = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Replicas = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExchangeWeightBytes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExchangeGradientBytes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WeightEncodings = null)
{
    /// <summary>Training's mean forward bytes per sample across the cut, measured (the cut's wire, adaptive bits included).</summary>
    [JsonIgnore]
    public double? MeasuredForwardBytesPerSample => TrainingForwardBytes is long b && TrainingSamples > 0 ? (double)b / TrainingSamples : null;

    /// <summary>Exchange rows: measured exchange bytes (weights out, gradients back) per optimiser step.</summary>
    [JsonIgnore]
    public double? ExchangeBytesPerStep => ExchangeWeightBytes is long w && ExchangeGradientBytes is long g && Steps is long s && s > 0 ? (double)(w + g) / s : null;
}
