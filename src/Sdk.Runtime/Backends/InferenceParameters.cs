using System;

namespace Sdk.Runtime.Backends;

/// <summary>
/// The parameters each layer's inference kernels read, derived once per model from the stored ones:
/// a BatchNorm becomes a per-channel scale and shift, or, when the plan folds it into the convolution before
/// it, disappears into that convolution's weight and bias.
/// </summary>
public static class InferenceParameters
{
    /// <summary>Per plan layer, its kernel parameters in order (empty for layers without any).</summary>
    public static float[][][] Prepare(NetworkPlan plan, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new float[plan.Layers.Count][][];
        foreach (var layer in plan.Layers)
        {
            result[layer.Index] = layer.Kind == LayerKind.BatchNorm ? ScaleShift(layer, parameters) : Stored(layer, parameters);
        }

        foreach (var bn in plan.Layers)
        {
            if (bn.FoldedInto >= 0)
            {
                result[bn.FoldedInto] = Fold(plan.Layers[bn.FoldedInto], result[bn.FoldedInto], result[bn.Index]);
                result[bn.Index] = Array.Empty<float[]>();
            }
        }

        return result;
    }

    private static float[][] Stored(LayerInfo layer, ParameterSet parameters)
    {
        var tensors = new float[layer.Parameters.Count][];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = parameters[layer.Parameters[i].Name];
        }

        return tensors;
    }

    private static float[][] ScaleShift(LayerInfo bn, ParameterSet parameters)
    {
        var (scale, shift) = BatchNormScaleShift(
            parameters[bn.Name + ".weight"],
            parameters[bn.Name + ".bias"],
            parameters[bn.Name + ".running_mean"],
            parameters[bn.Name + ".running_var"],
            bn.Epsilon);
        return new[] { scale, shift };
    }

    /// <summary>
    /// Inference BatchNorm as a per-channel affine map y = x * scale + shift, with
    /// scale = weight / sqrt(var + eps) and shift = bias - mean * scale (computed in double, stored as float).
    /// </summary>
    public static (float[] Scale, float[] Shift) BatchNormScaleShift(
        float[] weight, float[] bias, float[] mean, float[] variance, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        if (bias.Length != weight.Length || mean.Length != weight.Length || variance.Length != weight.Length)
        {
            throw new ArgumentException(
                $"BatchNorm parameters differ in length: weight {weight.Length}, bias {bias.Length}, mean {mean.Length}, variance {variance.Length}.");
        }

        var scale = new float[weight.Length];
        var shift = new float[weight.Length];
        for (var c = 0; c < scale.Length; c++)
        {
            var s = weight[c] / Math.Sqrt(variance[c] + epsilon);
            scale[c] = (float)s;
            shift[c] = (float)(bias[c] - (mean[c] * s));
        }

        return (scale, shift);
    }

    /// <summary>Folds scale/shift into the convolution: w'[o] = w[o] * scale[o], b'[o] = b[o] * scale[o] + shift[o].</summary>
    private static float[][] Fold(LayerInfo conv, float[][] convParameters, float[][] scaleShift)
    {
        var (scale, shift) = (scaleShift[0], scaleShift[1]);
        var weight = (float[])convParameters[0].Clone();
        var perOutput = weight.Length / scale.Length;
        var bias = new float[scale.Length];
        for (var o = 0; o < scale.Length; o++)
        {
            for (var k = 0; k < perOutput; k++)
            {
                weight[(o * perOutput) + k] *= scale[o];
            }

            var stored = conv.Bias ? convParameters[1][o] : 0f;
            bias[o] = (stored * scale[o]) + shift[o];
        }

        return new[] { weight, bias };
    }
}
