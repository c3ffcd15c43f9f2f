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
    double? CalibrationSeconds);
