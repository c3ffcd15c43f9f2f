using System.Collections.Generic;
using Sdk.Generator.Model;

namespace Sdk.Generator.Analysis;

/// <summary>
/// Parameters, multiply-accumulates and FLOPs of one layer for one sample. FLOPs count 2 per MAC, one per bias
/// add, one per activated element, the window per pooled output, 2 per element for BatchNorm (scale and shift),
/// 3 per element for Softmax (exp, sum, divide) and one per element per extra Add input.
/// docs/dsl.md states the same rules.
/// </summary>
internal static class LayerCounts
{
    public static EquatableArray<ParameterTensor> Parameters(string name, LayerKind kind, LayerArguments a, IReadOnlyList<int> input, IReadOnlyList<int> output)
    {
        var list = new List<ParameterTensor>();
        void Add(string suffix, bool trainable, params int[] shape) => list.Add(new ParameterTensor($"{name}.{suffix}", shape.ToEquatableArray(), trainable));

        switch (kind)
        {
            case LayerKind.Conv2D:
            case LayerKind.BottleneckEncoder when input.Count == 3:
            case LayerKind.BottleneckDecoder when input.Count == 3:
                // PyTorch layout: [out channels, in channels / groups, kH, kW].
                var kernel = kind == LayerKind.Conv2D ? a.Kernel : 1;
                Add("weight", true, output[0], input[0] / a.Groups, kernel, kernel);
                if (a.Bias)
                {
                    Add("bias", true, output[0]);
                }

                break;
            case LayerKind.Dense:
            case LayerKind.BottleneckEncoder:
            case LayerKind.BottleneckDecoder:
                // PyTorch layout: [out features, in features].
                Add("weight", true, output[0], (int)Shapes.Elements(input));
                if (a.Bias)
                {
                    Add("bias", true, output[0]);
                }

                break;
            case LayerKind.BatchNorm:
                Add("weight", true, input[0]);
                Add("bias", true, input[0]);
                Add("running_mean", false, input[0]);
                Add("running_var", false, input[0]);
                break;
        }

        return list.ToEquatableArray();
    }

    public static long Macs(LayerKind kind, LayerArguments a, IReadOnlyList<int> input, IReadOnlyList<int> output)
    {
        var outputs = Shapes.Elements(output);
        return kind switch
        {
            LayerKind.Conv2D => outputs * (input[0] / a.Groups) * a.Kernel * a.Kernel,
            LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when input.Count == 3 => outputs * input[0],
            LayerKind.Dense or LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder => outputs * Shapes.Elements(input),
            _ => 0,
        };
    }

    public static long Flops(LayerKind kind, LayerArguments a, IReadOnlyList<IReadOnlyList<int>> inputs, IReadOnlyList<int> output)
    {
        var outputs = Shapes.Elements(output);
        var activation = a.Activation != 0 ? outputs : 0;
        switch (kind)
        {
            case LayerKind.Conv2D:
            case LayerKind.Dense:
            case LayerKind.BottleneckEncoder:
            case LayerKind.BottleneckDecoder:
                return (2 * Macs(kind, a, inputs[0], output)) + (a.Bias ? outputs : 0) + activation;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                return outputs * a.Kernel * a.Kernel;
            case LayerKind.GlobalAvgPool:
                return Shapes.Elements(inputs[0]);
            case LayerKind.BatchNorm:
                return (2 * outputs) + activation;
            case LayerKind.Activation:
                return outputs;
            case LayerKind.Softmax:
                return 3 * outputs;
            case LayerKind.Add:
                return ((inputs.Count - 1) * outputs) + activation;
            default:
                return 0;
        }
    }
}
