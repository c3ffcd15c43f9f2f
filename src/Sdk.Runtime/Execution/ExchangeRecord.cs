using System.Globalization;

namespace Sdk.Runtime;

/// <summary>
/// What data-parallel training's weight exchange carried (<see cref="Training.TrainerOptions.DataParallel"/>): the
/// weights sent to the replicas and their gradients sent back, each tensor measured as its codec wrote it, beside
/// the compiler's count for its elements in the encoding it travelled in. Counted apart from the cuts.
/// </summary>
public sealed class ExchangeRecord
{
    internal ExchangeRecord()
    {
    }

    /// <summary>Weight bytes the codecs wrote for the replicas.</summary>
    public long WeightBytes { get; private set; }

    public long PredictedWeightBytes { get; private set; }

    /// <summary>Gradient bytes the replicas sent back.</summary>
    public long GradientBytes { get; private set; }

    public long PredictedGradientBytes { get; private set; }

    /// <summary>What the same tensors would have carried as float32.</summary>
    public long Float32Bytes { get; private set; }

    /// <summary>Tensors sent, weights and gradients.</summary>
    public long Transfers { get; private set; }

    /// <summary>The encodings weights travelled in: the narrowest and the widest over all layers and steps (adaptive precision raises each layer's bits on its own).</summary>
    public EncodingRange WeightEncodings { get; private set; }

    public long Bytes => WeightBytes + GradientBytes;

    public bool Matches => WeightBytes == PredictedWeightBytes && GradientBytes == PredictedGradientBytes;

    /// <summary>One tensor: <paramref name="measured"/> bytes in <paramref name="encoding"/> where the compiler counts <paramref name="predicted"/>.</summary>
    internal void Record(bool gradient, WireEncoding encoding, long predicted, long measured, long float32)
    {
        Transfers++;
        Float32Bytes += float32;
        if (gradient)
        {
            GradientBytes += measured;
            PredictedGradientBytes += predicted;
        }
        else
        {
            WeightBytes += measured;
            PredictedWeightBytes += predicted;
            WeightEncodings = WeightEncodings.With(encoding);
        }
    }

    internal void Reset()
    {
        WeightBytes = PredictedWeightBytes = GradientBytes = PredictedGradientBytes = Float32Bytes = Transfers = 0;
        WeightEncodings = default;
    }

    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| exchange | weights in | predicted weight B | measured weight B | predicted gradient B | measured gradient B | equal | float32 B |\n" +
        $"|---|---|---:|---:|---:|---:|---|---:|\n" +
        $"| {Transfers} tensors | {WeightEncodings} | {PredictedWeightBytes} | {WeightBytes} | {PredictedGradientBytes} | {GradientBytes} | {(Matches ? "yes" : "**no**")} | {Float32Bytes} |\n");
}
