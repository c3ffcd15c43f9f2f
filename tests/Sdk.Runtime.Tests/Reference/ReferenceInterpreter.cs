using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Numerics;

namespace Sdk.Runtime.Tests.Reference
{
    /// <summary>
    /// Runs a plan for inference the obvious way: one sample at a time, every layer a naive loop in double precision,
    /// written from docs/dsl.md and nothing else, so other implementations (the ONNX export, the kernels) can be checked
    /// against it. Cuts are emulated on the values their readers on the receiving chip see: Float32 exact, Float16 and
    /// BFloat16 rounded to nearest even, Int8 quantised per sample. Readers on the source chip see the exact tensor.
    /// </summary>
    /// <remarks>
    /// Wire formats round the float32 value the sending chip holds, so the reference first rounds its double to float32.
    /// Int8 is then computed in float32 exactly as specified (scale = max|x| / 127, q = round_half_even(x / scale),
    /// value = q * scale, each a float32 operation): in double, a quotient near a rounding tie can land on the other
    /// side and move a value by a whole quantum, and every float32 implementation would then disagree with the reference.
    /// </remarks>
    public sealed class ReferenceInterpreter
    {
        private readonly NetworkPlan _plan;
        private readonly ParameterSet _parameters;
        private readonly bool _emulateWireFormats;

        public ReferenceInterpreter(NetworkPlan plan, ParameterSet parameters, bool emulateWireFormats = true)
        {
            ArgumentNullException.ThrowIfNull(plan);
            ArgumentNullException.ThrowIfNull(parameters);
            _plan = plan;
            _parameters = parameters;
            _emulateWireFormats = emulateWireFormats;
        }

        /// <summary>
        /// Runs <paramref name="batch"/> samples (<paramref name="input"/> is batch x InputShape, row-major) and returns the
        /// last plan layer's output, batch x its shape.
        /// </summary>
        public float[] Run(float[] input, int batch)
        {
            long inputSize = Shapes.Elements(_plan.InputShape);
            if (input.Length != batch * inputSize)
            {
                throw new ArgumentException($"{batch} samples of {Shapes.Format(_plan.InputShape)} need {batch * inputSize} values, not {input.Length}.");
            }

            var output = new List<float>();
            for (int n = 0; n < batch; n++)
            {
                double[][] values = RunSample(input.AsSpan((int)(n * inputSize), (int)inputSize));
                output.AddRange(values[^1].Select(v => (float)v));
            }

            return output.ToArray();
        }

        /// <summary>Every plan layer's output for one sample, indexed like <see cref="NetworkPlan.Layers"/>.</summary>
        public double[][] RunSample(ReadOnlySpan<float> sample)
        {
            double[] x = new double[sample.Length];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = sample[i];
            }

            var values = new double[_plan.Layers.Count][];
            var wire = new Dictionary<int, double[]>();
            foreach (LayerInfo layer in _plan.Layers)
            {
                var inputs = new double[layer.Inputs.Count][];
                var shapes = new int[layer.Inputs.Count][];
                for (int i = 0; i < inputs.Length; i++)
                {
                    int source = layer.Inputs[i];
                    shapes[i] = (source < 0 ? _plan.InputShape : _plan.Layers[source].OutputShape).ToArray();
                    inputs[i] = Read(values, x, wire, source, layer);
                }

                values[layer.Index] = Compute(layer, inputs, shapes);
                if (values[layer.Index].Length != Shapes.Elements(layer.OutputShape))
                {
                    throw new InvalidOperationException($"Layer '{layer.Name}' computed {values[layer.Index].Length} values for shape {Shapes.Format(layer.OutputShape)}.");
                }
            }

            return values;
        }

        /// <summary>What <paramref name="reader"/> sees of layer <paramref name="source"/> (-1: the input <paramref name="x"/>): across a cut, the wire's rounding.</summary>
        private double[] Read(double[][] values, double[] x, Dictionary<int, double[]> wire, int source, LayerInfo reader)
        {
            double[] value = source < 0 ? x : values[source];
            int fromChip = source < 0 ? _plan.InputChip : _plan.Layers[source].Chip;
            if (fromChip == reader.Chip || !_emulateWireFormats)
            {
                return value;
            }

            CutInfo cut = _plan.Cuts.SingleOrDefault(c => c.SourceLayer == source && c.ToChip == reader.Chip)
                ?? throw new InvalidOperationException($"'{reader.Name}' (chip {reader.Chip}) reads layer {source} (chip {fromChip}) but the plan has no such cut.");
            if (!wire.TryGetValue(cut.Index, out double[]? received))
            {
                received = Transmit(value, cut.Encoding);
                wire.Add(cut.Index, received);
            }

            return received;
        }

        /// <summary>The values a tensor has after crossing a cut in <paramref name="encoding"/> (one sample).</summary>
        public static double[] Transmit(double[] x, WireEncoding encoding)
        {
            switch (encoding.Format)
            {
                case WireFormat.Truncated:
                    // The top bits of the float32, the rest zero: a mask, written here without the codec's bit stream.
                    uint keep = encoding.Bits == 32 ? uint.MaxValue : ~(uint.MaxValue >> encoding.Bits);
                    return x.Select(v => (double)BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits((float)v) & keep)).ToArray();
                case WireFormat.Float32:
                    return x;
                case WireFormat.Float16:
                    return x.Select(v => (double)HalfFloats.FromFloat16Bits(HalfFloats.ToFloat16Bits((float)v))).ToArray();
                case WireFormat.BFloat16:
                    return x.Select(v => (double)HalfFloats.FromBFloat16Bits(HalfFloats.ToBFloat16Bits((float)v))).ToArray();
                case WireFormat.Int8:
                {
                    float[] f = x.Select(v => (float)v).ToArray();
                    float max = 0;
                    foreach (float v in f)
                    {
                        max = Math.Max(max, Math.Abs(v));
                    }

                    float scale = (float)(max / 127f);
                    if (scale == 0)
                    {
                        return new double[x.Length];
                    }

                    var result = new double[x.Length];
                    for (int i = 0; i < f.Length; i++)
                    {
                        float ratio = (float)(f[i] / scale);
                        float q = Math.Clamp(MathF.Round(ratio, MidpointRounding.ToEven), -127f, 127f);
                        result[i] = (float)(q * scale);
                    }

                    return result;
                }

                default:
                    throw new NotSupportedException($"Wire format {encoding}.");
            }
        }

        private double[] Compute(LayerInfo layer, double[][] inputs, int[][] shapes)
        {
            double[] x = inputs[0];
            int[] shape = shapes[0];
            double[] y = layer.Kind switch
            {
                LayerKind.Conv2D => Conv2D(layer, x, shape),
                LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when shape.Length == 3 => Conv2D(layer, x, shape),
                LayerKind.Dense or LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder => Dense(layer, x),
                LayerKind.MaxPool => Pool(layer, x, shape, max: true),
                LayerKind.AvgPool => Pool(layer, x, shape, max: false),
                LayerKind.GlobalAvgPool => GlobalAvgPool(x, shape),
                LayerKind.BatchNorm => BatchNorm(layer, x, shape),
                LayerKind.Flatten or LayerKind.Dropout => (double[])x.Clone(),
                LayerKind.Softmax => Softmax(x, shape),
                LayerKind.Activation => (double[])x.Clone(),
                LayerKind.Add => Add(inputs),
                LayerKind.Concat => inputs.SelectMany(v => v).ToArray(),
                _ => throw new NotSupportedException($"Layer '{layer.Name}': {layer.Kind}."),
            };

            for (int i = 0; i < y.Length; i++)
            {
                y[i] = Activate(layer.Activation, y[i]);
            }

            return y;
        }

        private float[] Parameter(LayerInfo layer, string suffix) => _parameters[$"{layer.Name}.{suffix}"];

        private bool HasBias(LayerInfo layer) => layer.Parameters.Any(p => p.Name == $"{layer.Name}.bias");

        private double[] Conv2D(LayerInfo layer, double[] x, int[] shape)
        {
            int c = shape[0], h = shape[1], w = shape[2];
            int f = layer.OutputShape[0], oh = layer.OutputShape[1], ow = layer.OutputShape[2];
            int k = layer.Kernel, s = layer.Stride, p = layer.Padding, d = layer.Dilation, g = layer.Groups;
            int cinPerGroup = c / g, foutPerGroup = f / g;
            float[] weight = Parameter(layer, "weight");
            float[]? bias = HasBias(layer) ? Parameter(layer, "bias") : null;
            var y = new double[f * oh * ow];
            for (int o = 0; o < f; o++)
            {
                int group = o / foutPerGroup;
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double sum = bias is null ? 0 : bias[o];
                        for (int ci = 0; ci < cinPerGroup; ci++)
                        {
                            int channel = (group * cinPerGroup) + ci;
                            for (int ky = 0; ky < k; ky++)
                            {
                                int iy = (oy * s) - p + (ky * d);
                                if (iy < 0 || iy >= h)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < k; kx++)
                                {
                                    int ix = (ox * s) - p + (kx * d);
                                    if (ix < 0 || ix >= w)
                                    {
                                        continue;
                                    }

                                    sum += weight[(((o * cinPerGroup) + ci) * k + ky) * k + kx] * x[((channel * h) + iy) * w + ix];
                                }
                            }
                        }

                        y[((o * oh) + oy) * ow + ox] = sum;
                    }
                }
            }

            return y;
        }

        private double[] Dense(LayerInfo layer, double[] x)
        {
            int units = layer.OutputShape[0];
            float[] weight = Parameter(layer, "weight");
            float[]? bias = HasBias(layer) ? Parameter(layer, "bias") : null;
            var y = new double[units];
            for (int o = 0; o < units; o++)
            {
                double sum = bias is null ? 0 : bias[o];
                for (int i = 0; i < x.Length; i++)
                {
                    sum += weight[(o * x.Length) + i] * x[i];
                }

                y[o] = sum;
            }

            return y;
        }

        /// <summary>Padding cells are not part of the window: never the maximum, not counted in the average.</summary>
        private static double[] Pool(LayerInfo layer, double[] x, int[] shape, bool max)
        {
            int c = shape[0], h = shape[1], w = shape[2];
            int oh = layer.OutputShape[1], ow = layer.OutputShape[2];
            int k = layer.Kernel, s = layer.Stride, p = layer.Padding;
            var y = new double[c * oh * ow];
            for (int ch = 0; ch < c; ch++)
            {
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double best = double.NegativeInfinity, sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < k; ky++)
                        {
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = (oy * s) - p + ky, ix = (ox * s) - p + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                {
                                    continue;
                                }

                                double v = x[((ch * h) + iy) * w + ix];
                                best = Math.Max(best, v);
                                sum += v;
                                count++;
                            }
                        }

                        y[((ch * oh) + oy) * ow + ox] = max ? best : sum / count;
                    }
                }
            }

            return y;
        }

        private static double[] GlobalAvgPool(double[] x, int[] shape)
        {
            int c = shape[0], area = shape[1] * shape[2];
            var y = new double[c];
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0;
                for (int i = 0; i < area; i++)
                {
                    sum += x[(ch * area) + i];
                }

                y[ch] = sum / area;
            }

            return y;
        }

        /// <summary>Per channel (the first dimension; the features of a vector): (x - mean) / sqrt(var + eps) * weight + bias.</summary>
        private double[] BatchNorm(LayerInfo layer, double[] x, int[] shape)
        {
            int c = shape[0], area = x.Length / c;
            float[] weight = Parameter(layer, "weight"), bias = Parameter(layer, "bias");
            float[] mean = Parameter(layer, "running_mean"), variance = Parameter(layer, "running_var");
            var y = new double[x.Length];
            for (int ch = 0; ch < c; ch++)
            {
                double inverse = 1 / Math.Sqrt(variance[ch] + layer.Epsilon);
                for (int i = 0; i < area; i++)
                {
                    int at = (ch * area) + i;
                    y[at] = ((x[at] - mean[ch]) * inverse * weight[ch]) + bias[ch];
                }
            }

            return y;
        }

        /// <summary>Over the channels at each spatial position of [C, H, W]; over all features of a vector.</summary>
        private static double[] Softmax(double[] x, int[] shape)
        {
            int c = shape[0], area = x.Length / c;
            var y = new double[x.Length];
            for (int i = 0; i < area; i++)
            {
                double max = double.NegativeInfinity;
                for (int ch = 0; ch < c; ch++)
                {
                    max = Math.Max(max, x[(ch * area) + i]);
                }

                double sum = 0;
                for (int ch = 0; ch < c; ch++)
                {
                    sum += Math.Exp(x[(ch * area) + i] - max);
                }

                for (int ch = 0; ch < c; ch++)
                {
                    y[(ch * area) + i] = Math.Exp(x[(ch * area) + i] - max) / sum;
                }
            }

            return y;
        }

        private static double[] Add(double[][] inputs)
        {
            var y = new double[inputs[0].Length];
            foreach (double[] input in inputs)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] += input[i];
                }
            }

            return y;
        }

        public static double Activate(Activation activation, double x) => activation switch
        {
            Activation.None => x,
            Activation.Relu => Math.Max(0, x),
            Activation.Relu6 => Math.Min(Math.Max(0, x), 6),
            Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
            Activation.Tanh => Math.Tanh(x),
            Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
            _ => throw new NotSupportedException($"Activation {activation}."),
        };

        /// <summary>
        /// The error function to about 1e-15: the Maclaurin series below |x| = 2.5 (terms stay below ~200, so cancellation
        /// costs at most 3 of 16 digits), Laplace's continued fraction for erfc above.
        /// </summary>
        public static double Erf(double x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            double a = Math.Abs(x);
            double result;
            if (a < 2.5)
            {
                // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
                double term = a, sum = a, x2 = a * a;
                for (int n = 1; n < 200; n++)
                {
                    term *= -x2 / n;
                    double add = term / ((2 * n) + 1);
                    sum += add;
                    if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                    {
                        break;
                    }
                }

                result = 2 / Math.Sqrt(Math.PI) * sum;
            }
            else
            {
                // erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...))))), evaluated from the tail.
                double fraction = a;
                for (int k = 200; k >= 1; k--)
                {
                    fraction = a + (k / 2.0 / fraction);
                }

                result = 1 - (Math.Exp(-a * a) / Math.Sqrt(Math.PI) / fraction);
            }

            return x < 0 ? -result : result;
        }
    }
}
