using System;
using System.Linq;

namespace Sdk.Runtime.Compression;

/// <summary>
/// Splits a trained network at a cut with a 1/r bottleneck without retraining it: the encoder projects the cut
/// tensor's channels onto their top k = ceil(C/r) principal directions E (C x k), mean-centred, and the decoder maps
/// them back: encoder weight Eᵀ, bias -Eᵀ·mean; decoder weight E, bias mean. The receiving chip then sees the best
/// rank-k affine reconstruction of the tensor (in the least-squares sense, over the calibration samples); a tensor
/// whose centred channels span k dimensions or fewer passes unchanged.
/// </summary>
/// <example>
/// <code>
/// using var model = Model.Create(unsplit, trained, chips);                 // the trained network, cut without bottleneck
/// var covariance = PcaCalibration.Measure(model, cut.From, images, 2000);  // the tensor that crosses
/// var variant = unsplit.WithBottleneck(reader, 8);
/// var parameters = new ParameterSet(variant);
/// parameters.CopyFrom(trained);
/// double kept = PcaCalibration.Apply(parameters, variant.Cuts[0], PrincipalComponents.Of(covariance));
/// </code>
/// </example>
public static class PcaCalibration
{
    /// <summary>
    /// Runs <paramref name="samples"/> inputs through <paramref name="model"/> (in batches; the ledger counts them) and
    /// accumulates the channel covariance of the output of <paramref name="layer"/>.
    /// </summary>
    public static ChannelCovariance Measure(Model model, string layer, ReadOnlySpan<float> inputs, int samples, int batch = 250)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var sampleSize = (int)Shapes.Elements(model.Plan.InputShape);
        if (inputs.Length < (long)samples * sampleSize)
        {
            throw new ArgumentException($"{samples} samples of network '{model.Plan.Name}' are {(long)samples * sampleSize} values, but only {inputs.Length} were given.", nameof(inputs));
        }

        var covariance = new ChannelCovariance(model.Plan.Layer(layer).OutputShape);
        for (var start = 0; start < samples; start += batch)
        {
            var count = Math.Min(batch, samples - start);
            covariance.Add(model.RunTo(layer, inputs.Slice(start * sampleSize, count * sampleSize), count), count);
        }

        return covariance;
    }

    /// <summary>
    /// Sets the encoder and decoder of <paramref name="cut"/> (a cut of <paramref name="parameters"/>' plan with a
    /// bottleneck) to the top principal directions of <paramref name="components"/>, the statistics of the tensor
    /// that crosses it before narrowing. Returns the share of the variance the kept directions hold.
    /// </summary>
    public static double Apply(ParameterSet parameters, CutInfo cut, PrincipalComponents components)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(cut);
        ArgumentNullException.ThrowIfNull(components);
        var plan = parameters.Plan;
        if (!plan.Cuts.Contains(cut) || cut.BottleneckRatio <= 1)
        {
            throw new ArgumentException($"Cut {cut.Index} ({cut.From} -> {string.Join(", ", cut.To)}) is not a bottlenecked cut of network '{plan.Name}'.", nameof(cut));
        }

        var encoder = plan.Layers[cut.SourceLayer];
        var decoder = plan.Layers.Single(l => l.Kind == LayerKind.BottleneckDecoder && l.Chip == cut.ToChip && l.Inputs[0] == encoder.Index);
        var channels = decoder.OutputShape[0];
        var width = encoder.OutputShape[0];
        if (components.Channels != channels)
        {
            throw new ArgumentException($"Cut {cut.Index} of network '{plan.Name}' carries {channels} channels before narrowing, but the components are of {components.Channels}.", nameof(components));
        }

        var encoderWeight = parameters[encoder.Parameters[0].Name];
        var encoderBias = parameters[encoder.Parameters[1].Name];
        var decoderWeight = parameters[decoder.Parameters[0].Name];
        var decoderBias = parameters[decoder.Parameters[1].Name];
        for (var j = 0; j < width; j++)
        {
            double shift = 0;
            for (var c = 0; c < channels; c++)
            {
                var e = components.Eigen.Vector(c, j);
                encoderWeight[(j * channels) + c] = (float)e;   // [k, C(, 1, 1)]: Eᵀ
                decoderWeight[(c * width) + j] = (float)e;      // [C, k(, 1, 1)]: E
                shift += e * components.Mean[c];
            }

            encoderBias[j] = (float)-shift;
        }

        for (var c = 0; c < channels; c++)
        {
            decoderBias[c] = (float)components.Mean[c];
        }

        return components.ExplainedVariance(width);
    }
}
