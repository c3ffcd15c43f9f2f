using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// Writes a compiled plan and its parameters as an ONNX model (operator set 17) that computes the whole network for
    /// inference on one device: input <c>input</c> <c>[N, ...InputShape]</c> (N symbolic), output <c>output</c>
    /// <c>[N, ...shape of the last layer]</c>, every parameter an initializer under its plan name. Cuts vanish (the
    /// model is not split), but by default the rounding of each cut's wire format is emulated on the edges into its
    /// readers on the receiving chip, so the model computes what the split network computes. See docs/onnx.md.
    /// </summary>
    /// <example>
    /// <code>
    /// var net = new FashionNet();
    /// net.Parameters.Load("fashion.safetensors");
    /// OnnxExporter.Export(FashionNet.Plan, net.Parameters, "fashion.onnx");
    /// </code>
    /// </example>
    public static class OnnxExporter
    {
        /// <summary>The name of the model's input.</summary>
        public const string InputName = "input";

        /// <summary>The name of the model's output.</summary>
        public const string OutputName = "output";

        /// <summary>Writes the model to <paramref name="path"/> (through a temporary file, then renamed).</summary>
        /// <exception cref="ArgumentException"><paramref name="parameters"/> lacks a tensor of the plan, or has another shape.</exception>
        public static void Export(NetworkPlan plan, ParameterSet parameters, string path, OnnxExportOptions? options = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            Build(plan, parameters, options).Save(path);
        }

        /// <summary>The model as <c>.onnx</c> bytes (for <c>new InferenceSession(bytes)</c>).</summary>
        /// <exception cref="ArgumentException"><paramref name="parameters"/> lacks a tensor of the plan, or has another shape.</exception>
        public static byte[] ExportToBytes(NetworkPlan plan, ParameterSet parameters, OnnxExportOptions? options = null) =>
            Build(plan, parameters, options).ToBytes();

        private static OnnxModelBuilder Build(NetworkPlan plan, ParameterSet parameters, OnnxExportOptions? options)
        {
            ArgumentNullException.ThrowIfNull(plan);
            ArgumentNullException.ThrowIfNull(parameters);
            options ??= new OnnxExportOptions();
            return new GraphEmitter(plan, parameters, options).Emit();
        }

        /// <summary>Emits one plan's graph: names every value once, adds nodes in execution order.</summary>
        internal sealed class GraphEmitter
        {
            private const long OnnxFloat = 1;
            private const long OnnxFloat16 = 10;
            private const long OnnxBFloat16 = 16;

            private readonly NetworkPlan _plan;
            private readonly ParameterSet _parameters;
            private readonly OnnxExportOptions _options;
            private readonly OnnxModelBuilder _builder;
            private readonly HashSet<string> _names = new(StringComparer.Ordinal);
            private readonly Dictionary<float, string> _constants = new();
            private readonly Dictionary<int, string> _wireValues = new();
            private readonly string[] _values;

            public GraphEmitter(NetworkPlan plan, ParameterSet parameters, OnnxExportOptions options)
            {
                _plan = plan;
                _parameters = parameters;
                _options = options;
                _builder = new OnnxModelBuilder(options.GraphName ?? plan.Name);
                _values = new string[plan.Layers.Count];
            }

            public OnnxModelBuilder Emit()
            {
                if (_plan.Layers.Count == 0)
                {
                    throw new ArgumentException($"Network '{_plan.Name}' has no layers.", "plan");
                }

                _names.Add(InputName);
                _names.Add(OutputName);
                _builder.AddInput(InputName, Dims(_plan.InputShape));
                foreach (LayerInfo layer in _plan.Layers)
                {
                    foreach (ParameterInfo p in layer.Parameters)
                    {
                        if (!_parameters.Contains(p.Name) || _parameters.Info(p.Name).Shape != p.Shape)
                        {
                            throw new ArgumentException(
                                $"The parameters do not fit network '{_plan.Name}': it needs '{p.Name}' {Shapes.Format(p.Shape)}.", "parameters");
                        }

                        _names.Add(p.Name);
                        _builder.AddInitializer(p.Name, p.Shape.ToArray(), (float[])_parameters[p.Name].Clone());
                    }
                }

                foreach (LayerInfo layer in _plan.Layers)
                {
                    _values[layer.Index] = EmitLayer(layer);
                }

                LayerInfo last = _plan.Output;
                _builder.AddNode("Identity", [_values[last.Index]], [OutputName]);
                _builder.AddOutput(OutputName, Dims(last.OutputShape));
                return _builder;
            }

            /// <summary>
            /// The ONNX nodes of each layer kind, one entry per <see cref="LayerKind"/> (a test checks the table is
            /// complete). Each gets the layer, the names of the values it reads, and the name its own op writes
            /// ("Name/linear" when an activation node follows and writes "Name"); it returns the name of its output.
            /// </summary>
            internal static readonly IReadOnlyDictionary<LayerKind, Func<GraphEmitter, LayerInfo, string[], string, string>> Kinds =
                new Dictionary<LayerKind, Func<GraphEmitter, LayerInfo, string[], string, string>>
                {
                    [LayerKind.Conv2D] = static (e, layer, x, main) => e.Activate(e.Conv(layer, x[0], main), layer.Activation, layer.Name),
                    [LayerKind.BottleneckEncoder] = static (e, layer, x, main) => e.Pointwise(layer, x[0], main),
                    [LayerKind.BottleneckDecoder] = static (e, layer, x, main) => e.Pointwise(layer, x[0], main),
                    [LayerKind.Dense] = static (e, layer, x, main) => e.Gemm(layer, x[0], main),
                    [LayerKind.MaxPool] = static (e, layer, x, _) => e.Node("MaxPool", [x[0]], layer.Name, PoolAttributes(layer)),
                    [LayerKind.AvgPool] = static (e, layer, x, _) =>
                        e.Node("AveragePool", [x[0]], layer.Name, [.. PoolAttributes(layer), OnnxAttribute.Int("count_include_pad", 0)]),
                    [LayerKind.GlobalAvgPool] = static (e, layer, x, _) => e.Node("GlobalAveragePool", [x[0]], layer.Name),
                    [LayerKind.BatchNorm] = static (e, layer, x, main) => e.Activate(
                        e.Node(
                            "BatchNormalization",
                            [x[0], $"{layer.Name}.weight", $"{layer.Name}.bias", $"{layer.Name}.running_mean", $"{layer.Name}.running_var"],
                            main,
                            OnnxAttribute.Float("epsilon", (float)layer.Epsilon)),
                        layer.Activation,
                        layer.Name),
                    [LayerKind.Flatten] = static (e, layer, x, _) => e.Node("Flatten", [x[0]], layer.Name, OnnxAttribute.Int("axis", 1)),

                    // Opset 13+: a single-axis softmax; axis 1 is the channels of [N, C, H, W] and the features of [N, F].
                    [LayerKind.Softmax] = static (e, layer, x, _) => e.Node("Softmax", [x[0]], layer.Name, OnnxAttribute.Int("axis", 1)),
                    [LayerKind.Activation] = static (e, layer, x, _) => e.Activate(x[0], layer.Activation, layer.Name),
                    [LayerKind.Add] = static (e, layer, x, main) =>
                    {
                        string sum = x[0];
                        for (int i = 1; i < x.Length; i++)
                        {
                            sum = e.Node("Add", [sum, x[i]], i == x.Length - 1 ? main : $"{layer.Name}/add{i}");
                        }

                        return e.Activate(sum, layer.Activation, layer.Name);
                    },
                    [LayerKind.Concat] = static (e, layer, x, _) => e.Node("Concat", x, layer.Name, OnnxAttribute.Int("axis", 1)),

                    // Identity in inference: the layer adds no node, its readers read its input.
                    [LayerKind.Dropout] = static (_, _, x, _) => x[0],
                };

            private string EmitLayer(LayerInfo layer)
            {
                string[] inputs = layer.Inputs.Select(i => Read(i, layer)).ToArray();

                // With a fused activation, the layer's own op writes "Name/linear" and the activation writes "Name".
                bool activated = layer.Activation != Activation.None && layer.Kind != LayerKind.Activation;
                return Kinds[layer.Kind](this, layer, inputs, activated ? layer.Name + "/linear" : layer.Name);
            }

            /// <summary>A bottleneck encoder or decoder: a 1x1 convolution over an image, a dense layer over a vector.</summary>
            private string Pointwise(LayerInfo layer, string x, string main) =>
                InputRank(layer) == 3 ? Activate(Conv(layer, x, main), layer.Activation, layer.Name) : Gemm(layer, x, main);

            /// <summary>PyTorch's Linear as Gemm(transB), flattening an image first.</summary>
            private string Gemm(LayerInfo layer, string x, string main)
            {
                string flat = InputRank(layer) > 1 ? Node("Flatten", [x], layer.Name + "/flatten", OnnxAttribute.Int("axis", 1)) : x;
                return Activate(Node("Gemm", WeightsAndBias(layer, flat), main, OnnxAttribute.Int("transB", 1)), layer.Activation, layer.Name);
            }

            /// <summary>The value <paramref name="reader"/> sees of layer <paramref name="source"/>: the wire's rounding applies across a cut.</summary>
            private string Read(int source, LayerInfo reader)
            {
                // The network input arrives at the input chip and crosses to the others like a layer's output.
                int fromChip = source < 0 ? _plan.InputChip : _plan.Layers[source].Chip;
                string value = source < 0 ? InputName : _values[source];
                if (fromChip == reader.Chip || !_options.EmulateWireFormats)
                {
                    return value;
                }

                CutInfo cut = _plan.Cuts.FirstOrDefault(c => c.SourceLayer == source && c.ToChip == reader.Chip)
                    ?? throw new InvalidOperationException(
                        $"Network '{_plan.Name}': layer '{reader.Name}' on chip {reader.Chip} reads '{(source < 0 ? "the network input" : _plan.Layers[source].Name)}' on chip {fromChip}, but the plan has no such cut.");
                if (!_wireValues.TryGetValue(cut.Index, out string? wire))
                {
                    wire = EmulateWire(value, cut, cut.Shape.Count);
                    _wireValues.Add(cut.Index, wire);
                }

                return wire;
            }

            private string EmulateWire(string x, CutInfo cut, int sampleRank)
            {
                string name = $"{(cut.IsInput ? InputName : _plan.Layers[cut.SourceLayer].Name)}/wire_to_chip{cut.ToChip}";
                switch (cut.Format)
                {
                    case WireFormat.Float32:
                        return x;

                    case WireFormat.Float16:
                    case WireFormat.BFloat16:
                        // Cast rounds to nearest even (ONNX Runtime's CPU kernels do, for both types; tested).
                        long narrow = cut.Format == WireFormat.Float16 ? OnnxFloat16 : OnnxBFloat16;
                        string packed = Node("Cast", [x], name + "/pack", OnnxAttribute.Int("to", narrow));
                        return Node("Cast", [packed], name, OnnxAttribute.Int("to", OnnxFloat));

                    case WireFormat.Int8:
                    {
                        // Per sample, symmetric: scale = max|x| / 127 over the sample; q = clip(round_half_even(x / scale), -127, 127);
                        // value = q * scale, all in float32. A zero scale (an all-zero sample) divides by 1 instead: q = 0, value 0.
                        long[] axes = Enumerable.Range(1, sampleRank).Select(a => (long)a).ToArray();
                        string abs = Node("Abs", [x], name + "/abs");
                        string max = Node("ReduceMax", [abs], name + "/max", OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", 1));
                        string scale = Node("Div", [max, Constant(127f)], name + "/scale");
                        string zero = Node("Equal", [scale, Constant(0f)], name + "/scale_is_zero");
                        string divisor = Node("Where", [zero, Constant(1f), scale], name + "/divisor");
                        string ratio = Node("Div", [x, divisor], name + "/ratio");
                        string rounded = Node("Round", [ratio], name + "/round");
                        string q = Node("Clip", [rounded, Constant(-127f), Constant(127f)], name + "/q");
                        return Node("Mul", [q, divisor], name);
                    }

                    case WireFormat.Truncated:
                        return cut.Encoding.Bits == WireEncoding.MaxBits ? x : EmulateTruncation(x, name, cut.Encoding.Bits);

                    default:
                        throw new NotSupportedException($"Cut {cut.Index}: wire format {cut.Format} cannot be exported.");
                }
            }

            /// <summary>
            /// Truncation to the top <paramref name="bits"/> bits in float arithmetic (opset 17 has no bit cast), exact for
            /// finite values: e = floor(log2 |x|) (corrected by one where the logarithm rounds across a power of two). From 9
            /// bits, |x| is cut down to a multiple of 2^(max(e, -126) - (bits - 9)), the unit of its last mantissa bit kept;
            /// below, the biased exponent e + 127 loses its low 9 - bits bits and the value is ±2^(that - 127), or 0. Infinities
            /// are kept as the codec keeps them; a NaN stays a NaN from 9 bits up; -0 comes out +0.
            /// </summary>
            private string EmulateTruncation(string x, string name, int bits)
            {
                string abs = Node("Abs", [x], name + "/abs");
                string log2 = Node("Div", [Node("Log", [abs], name + "/log"), Constant(MathF.Log(2))], name + "/log2");
                string guess = Node("Floor", [log2], name + "/e_guess");
                string power = Node("Pow", [Constant(2f), guess], name + "/power");
                string below = Node("Sub", [guess, Constant(1f)], name + "/e_below");
                string above = Node("Add", [guess, Constant(1f)], name + "/e_above");
                string notBelow = Node("Where", [Node("LessOrEqual", [Node("Mul", [power, Constant(2f)], name + "/twice"), abs], name + "/over"), above, guess], name + "/e_up");
                string exponent = Node("Where", [Node("Greater", [power, abs], name + "/under"), below, notBelow], name + "/e");
                string negative = Node("Less", [x, Constant(0f)], name + "/negative");
                if (bits >= WireEncoding.SignAndExponentBits)
                {
                    string lowest = Node("Max", [exponent, Constant(-126f)], name + "/e_normal");
                    string unit = Node("Pow", [Constant(2f), Node("Sub", [lowest, Constant(bits - WireEncoding.SignAndExponentBits)], name + "/unit_exponent")], name + "/unit");
                    string kept = Node("Mul", [Node("Floor", [Node("Div", [abs, unit], name + "/units")], name + "/whole_units"), unit], name + "/kept");
                    string signed = Node("Where", [negative, Node("Neg", [kept], name + "/minus"), kept], name + "/signed");
                    return Node("Where", [Node("IsInf", [x], name + "/infinite"), x, signed], name);
                }

                float step = 1 << (WireEncoding.SignAndExponentBits - bits);
                string biased = Node("Min", [Node("Add", [Node("Max", [exponent, Constant(-127f)], name + "/e_floor"), Constant(127f)], name + "/biased"), Constant(255f)], name + "/biased_max");
                string cut = Node("Mul", [Node("Floor", [Node("Div", [biased, Constant(step)], name + "/steps")], name + "/whole_steps"), Constant(step)], name + "/biased_kept");
                string magnitude = Node("Where", [Node("Equal", [cut, Constant(0f)], name + "/zero"), Constant(0f), Node("Pow", [Constant(2f), Node("Sub", [cut, Constant(127f)], name + "/kept_exponent")], name + "/power_kept")], name + "/magnitude");
                return Node("Where", [negative, Node("Neg", [magnitude], name + "/minus"), magnitude], name);
            }

            private string Conv(LayerInfo layer, string x, string output)
            {
                int k = layer.Kernel;
                return Node(
                    "Conv",
                    WeightsAndBias(layer, x),
                    output,
                    OnnxAttribute.Ints("kernel_shape", k, k),
                    OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
                    OnnxAttribute.Ints("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding),
                    OnnxAttribute.Ints("dilations", layer.Dilation, layer.Dilation),
                    OnnxAttribute.Int("group", layer.Groups));
            }

            private string[] WeightsAndBias(LayerInfo layer, string x)
            {
                string bias = $"{layer.Name}.bias";
                return layer.Parameters.Any(p => p.Name == bias) ? [x, $"{layer.Name}.weight", bias] : [x, $"{layer.Name}.weight"];
            }

            private static OnnxAttribute[] PoolAttributes(LayerInfo layer) =>
            [
                OnnxAttribute.Ints("kernel_shape", layer.Kernel, layer.Kernel),
                OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
                OnnxAttribute.Ints("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding),
            ];

            private string Activate(string x, Activation activation, string output)
            {
                switch (activation)
                {
                    case Activation.None:
                        return x;
                    case Activation.Relu:
                        return Node("Relu", [x], output);
                    case Activation.Relu6:
                        return Node("Clip", [x, Constant(0f), Constant(6f)], output);
                    case Activation.Sigmoid:
                        return Node("Sigmoid", [x], output);
                    case Activation.Tanh:
                        return Node("Tanh", [x], output);
                    case Activation.Gelu:
                    {
                        // Opset 17 has no Gelu: 0.5 * x * (1 + erf(x / sqrt 2)), the pattern ONNX Runtime fuses back into one kernel.
                        string scaled = Node("Div", [x, Constant(MathF.Sqrt(2f))], output + "/gelu_div");
                        string erf = Node("Erf", [scaled], output + "/gelu_erf");
                        string shifted = Node("Add", [erf, Constant(1f)], output + "/gelu_add");
                        string product = Node("Mul", [x, shifted], output + "/gelu_mul");
                        return Node("Mul", [product, Constant(0.5f)], output);
                    }

                    default:
                        throw new NotSupportedException($"Activation {activation} cannot be exported to ONNX.");
                }
            }

            private string Node(string opType, string[] inputs, string outputHint, params OnnxAttribute[] attributes)
            {
                string output = Fresh(outputHint);
                _builder.AddNode(new OnnxNode(opType, inputs, [output], attributes, name: output));
                return output;
            }

            /// <summary>A float32 scalar initializer, one per distinct value.</summary>
            private string Constant(float value)
            {
                if (!_constants.TryGetValue(value, out string? name))
                {
                    name = Fresh("const/" + value.ToString("R", CultureInfo.InvariantCulture));
                    _builder.AddInitializer(name, [], [value]);
                    _constants.Add(value, name);
                }

                return name;
            }

            /// <summary><paramref name="hint"/>, or with a numeric suffix when a value already has that name.</summary>
            private string Fresh(string hint)
            {
                string name = hint;
                for (int i = 1; !_names.Add(name); i++)
                {
                    name = $"{hint}_{i}";
                }

                return name;
            }

            private int InputRank(LayerInfo layer) =>
                layer.Inputs[0] < 0 ? _plan.InputShape.Count : _plan.Layers[layer.Inputs[0]].OutputShape.Count;

            private static OnnxDim[] Dims(EquatableArray<int> sampleShape) => [OnnxDim.Batch, .. sampleShape.Select(d => (OnnxDim)d)];
        }
    }
}
