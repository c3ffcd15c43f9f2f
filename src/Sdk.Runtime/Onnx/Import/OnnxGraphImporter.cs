using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// Walks an ONNX graph in node order and turns it into layers (<see cref="ImportedLayer"/>) and their tensors under
    /// the plan's names. Activations, BatchNorms (into a convolution or dense layer) and a MatMul's bias fold into the
    /// layer before them when that layer has no other reader; Identity, and Flatten or Reshape of a vector, add no
    /// layer. Anything the layers cannot express is an <see cref="OnnxImportException"/> naming the node.
    /// </summary>
    internal sealed class OnnxGraphImporter
    {
        /// <summary>The producer of the graph input's values.</summary>
        private const string GraphInput = "";

        private readonly OnnxModel _model;
        private readonly string _source;
        private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _uses = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _producer = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _layerReaders = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
        private readonly List<ImportedLayer> _layers = new();
        private (int Layers, NetworkPlan Plan)? _shapes;
        private long? _batch;

        public OnnxGraphImporter(OnnxModel model, string source)
        {
            _model = model;
            _source = source;
        }

        public IReadOnlyList<ImportedLayer> Layers => _layers;

        /// <summary>Every tensor of the layers, by plan name (<c>Conv1.weight</c>), row-major in PyTorch layouts.</summary>
        public Dictionary<string, float[]> Tensors { get; } = new(StringComparer.Ordinal);

        public int[] InputShape { get; private set; } = [];

        public void Run()
        {
            foreach (var initializer in _model.Initializers)
            {
                _constants[initializer.Name] = initializer;
            }

            ReadInput();
            foreach (var value in _model.Nodes.SelectMany(n => n.Inputs).Concat(_model.Outputs.Select(o => o.Name)))
            {
                _uses[value] = _uses.GetValueOrDefault(value) + 1;
            }

            foreach (var node in _model.Nodes)
            {
                Import(node);
            }

            if (_model.Outputs.Count != 1 || _layers.Count == 0 || _producer.GetValueOrDefault(_model.Outputs[0].Name) != _layers[^1].Name)
            {
                throw GraphError("output", $"the graph must have one output, computed by its last layer; it has {_model.Outputs.Count} ({string.Join(", ", _model.Outputs.Select(o => o.Name))}).");
            }
        }

        /// <summary>The one graph input that is not an initializer (older exporters list the weights as inputs too).</summary>
        private void ReadInput()
        {
            var inputs = _model.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
            {
                throw GraphError("input", $"the network reads one tensor, but the graph has {inputs.Count} inputs that are not initializers ({string.Join(", ", inputs.Select(i => i.Name))}).");
            }

            var input = inputs[0];
            var dims = input.Dims;
            if (!input.IsTensor || input.ElementType != OnnxElementType.Float || dims is null || dims.Count is not (2 or 4)
                || dims.Skip(1).Any(d => d.Value is not (> 0 and <= int.MaxValue)))
            {
                throw GraphError("input", $"the input '{input}' must be a float tensor [N, C, H, W] or [N, F] with fixed sizes after the batch.");
            }

            _batch = dims[0].Value;
            InputShape = dims.Skip(1).Select(d => (int)d.Value!.Value).ToArray();
            _producer[input.Name] = GraphInput;
        }

        private void Import(OnnxNode node)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw Error(node, null, $"operators of domain '{node.Domain}' have no SDK layer.");
            }

            switch (node.OpType)
            {
                case "Constant":
                    _constants[node.Outputs[0]] = node.Attributes.TryGetValue("value", out var value) && value.Kind == OnnxAttributeKind.Tensor
                        ? value.AsTensor
                        : throw Error(node, node.Attributes.Keys.FirstOrDefault() ?? "value", "only a tensor 'value' is supported.");
                    break;
                case "Identity" when _constants.TryGetValue(node.Inputs[0], out var constant):
                    _constants[node.Outputs[0]] = constant;
                    break;
                case "Identity":
                    Alias(node, Source(node, 0));
                    break;
                case "Pad":
                    Alias(node, IsZeroPad(node) ? Source(node, 0) : throw Error(node, "pads", "only a Pad of zero width is skipped; put padding on the convolution or pool."));
                    break;
                case "Conv":
                    Conv(node);
                    break;
                case "Gemm":
                    Gemm(node);
                    break;
                case "MatMul":
                    MatMul(node);
                    break;
                case "Relu":
                    Activate(node, Activation.Relu);
                    break;
                case "Sigmoid":
                    Activate(node, Activation.Sigmoid);
                    break;
                case "Tanh":
                    Activate(node, Activation.Tanh);
                    break;
                case "Clip":
                    Activate(node, ClipActivation(node));
                    break;
                case "MaxPool":
                case "AveragePool":
                    Pool(node);
                    break;
                case "GlobalAveragePool":
                    NewLayer(node, LayerKind.GlobalAvgPool, Source(node, 0));
                    break;
                case "BatchNormalization":
                    BatchNormalization(node);
                    break;
                case "Add":
                    Add(node);
                    break;
                case "Concat":
                    Concat(node);
                    break;
                case "Flatten":
                    Flatten(node, Axis(node, "axis", 1, Source(node, 0)) == 1 ? null : "axis");
                    break;
                case "Reshape":
                    Flatten(node, IsFlatten(node) ? null : "shape");
                    break;
                case "Softmax":
                    Softmax(node);
                    break;
                case "Dropout":
                    Dropout(node);
                    break;
                default:
                    throw Error(node, null, "this operator has no SDK layer. Supported: Conv, Gemm, MatMul, Relu, Clip (ReLU6), Sigmoid, Tanh, MaxPool, AveragePool, "
                        + "GlobalAveragePool, BatchNormalization, Add, Concat, Flatten, Reshape (to [N, -1]), Softmax, Dropout, Identity, Pad (of zeros), Constant.");
            }
        }

        private void Conv(OnnxNode node)
        {
            var weight = Constant(node, 1, "W");
            if (weight.Shape.Length != 4)
            {
                throw Error(node, "W", $"a 2-D convolution's weight is [M, C/group, kH, kW], not [{string.Join(", ", weight.Shape)}].");
            }

            var kernel = Square(node, "kernel_shape", weight.Shape[2], weight.Shape[3]);
            if (kernel != weight.Shape[2] || kernel != weight.Shape[3])
            {
                throw Error(node, "kernel_shape", $"{kernel} differs from the weight's [{weight.Shape[2]}, {weight.Shape[3]}].");
            }

            var layer = NewLayer(node, LayerKind.Conv2D, Source(node, 0), weight.Shape[0])
                .With("Kernel", kernel)
                .With("Stride", Square(node, "strides", 1, 1), 1)
                .With("Padding", Padding(node), 0)
                .With("Dilation", Square(node, "dilations", 1, 1), 1)
                .With("Groups", (int)node.GetInt("group", 1), 1);
            Tensors[layer.Name + ".weight"] = Floats(weight);
            SetBias(layer, Optional(node, 2, "B") is { } bias ? Floats(bias) : null);
        }

        /// <summary>PyTorch's Linear: Gemm(A, B, C) with transA 0; alpha and beta are folded into the weights.</summary>
        private void Gemm(OnnxNode node)
        {
            if (node.GetInt("transA", 0) != 0)
            {
                throw Error(node, "transA", "a dense layer multiplies the samples as rows: transA must be 0.");
            }

            var b = Constant(node, 1, "B");
            if (b.Shape.Length != 2)
            {
                throw Error(node, "B", $"the weight must be a matrix, not [{string.Join(", ", b.Shape)}].");
            }

            var transposed = node.GetInt("transB", 0) != 0;
            var units = transposed ? b.Shape[0] : b.Shape[1];
            var weight = transposed ? Floats(b) : Transpose(b);
            Scale(weight, node.GetFloat("alpha", 1f));
            var layer = NewLayer(node, LayerKind.Dense, Source(node, 0), units);
            Tensors[layer.Name + ".weight"] = weight;
            var bias = Optional(node, 2, "C");
            if (bias is not null && bias.ElementCount != units && bias.ElementCount != 1)
            {
                throw Error(node, "C", $"the bias must have one value per unit ({units}) or one for all, not [{string.Join(", ", bias.Shape)}].");
            }

            var values = bias is null ? null : bias.ElementCount == units ? Floats(bias) : Enumerable.Repeat(bias.ToFloatArray()[0], units).ToArray();
            if (values is not null)
            {
                Scale(values, node.GetFloat("beta", 1f));
            }

            SetBias(layer, values);
        }

        /// <summary>x @ B with x a vector per sample: a dense layer without bias (an Add of a constant after it becomes its bias).</summary>
        private void MatMul(OnnxNode node)
        {
            var source = Source(node, 0);
            var b = Constant(node, 1, "B");
            if (b.Shape.Length != 2 || SampleShape(node, source).Length != 1)
            {
                throw Error(node, "B", "only a [N, F] tensor times a constant [F, U] matrix is a dense layer.");
            }

            var layer = NewLayer(node, LayerKind.Dense, source, b.Shape[1]);
            Tensors[layer.Name + ".weight"] = Transpose(b);
            SetBias(layer, null);
        }

        private void Activate(OnnxNode node, Activation activation)
        {
            var source = Source(node, 0);
            if (SoleReader(source) is { } layer && layer.Kind != LayerKind.Activation && LayerDefinitions.Of(layer.Kind).HasActivation && layer.Activation == Activation.None)
            {
                layer.With("Activation", activation);
                Alias(node, layer.Name);
                return;
            }

            NewLayer(node, LayerKind.Activation, source, activation);
        }

        /// <summary>Clip(0, 6) is ReLU6 and Clip(0, ∞) ReLU; the bounds are attributes before opset 11, inputs from it.</summary>
        private Activation ClipActivation(OnnxNode node)
        {
            var (min, max) = _model.OpsetVersion < 11
                ? (node.GetFloat("min", float.NegativeInfinity), node.GetFloat("max", float.PositiveInfinity))
                : (Optional(node, 1, "min")?.ToFloatArray().Single() ?? float.NegativeInfinity, Optional(node, 2, "max")?.ToFloatArray().Single() ?? float.PositiveInfinity);
            return (min, max) switch
            {
                (0f, 6f) => Activation.Relu6,
                (0f, float.PositiveInfinity) => Activation.Relu,
                _ => throw Error(node, min != 0f ? "min" : "max", $"Clip({min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}) is no SDK activation: only ReLU (0, ∞) and ReLU6 (0, 6)."),
            };
        }

        private void Pool(OnnxNode node)
        {
            var window = Square(node, "kernel_shape", 0, 0);
            if (Square(node, "dilations", 1, 1) != 1)
            {
                throw Error(node, "dilations", "pooling windows are not dilated in the SDK.");
            }

            if (node.GetInt("ceil_mode", 0) != 0)
            {
                throw Error(node, "ceil_mode", "the SDK's pooling rounds the output size down (ceil_mode 0).");
            }

            var padding = Padding(node);
            var max = node.OpType == "MaxPool";
            if (!max && padding > 0 && node.GetInt("count_include_pad", 0) != 0)
            {
                throw Error(node, "count_include_pad", "the SDK's average pooling leaves the padding out of the average (count_include_pad 0).");
            }

            if (max && node.Outputs.Count > 1 && _uses.GetValueOrDefault(node.Outputs[1]) > 0)
            {
                throw Error(node, "Indices", "the indices of the maxima are not an SDK tensor.");
            }

            NewLayer(node, max ? LayerKind.MaxPool : LayerKind.AvgPool, Source(node, 0), window)
                .With("Stride", Square(node, "strides", 1, 1), window)
                .With("Padding", padding, 0);
        }

        /// <summary>Folded into the convolution or dense layer before it when that is its only reader; a BatchNorm layer otherwise.</summary>
        private void BatchNormalization(OnnxNode node)
        {
            if (node.GetInt("training_mode", 0) != 0 || node.Outputs.Skip(1).Any(o => _uses.GetValueOrDefault(o) > 0))
            {
                throw Error(node, "training_mode", "only inference BatchNormalization (running statistics, one output) is imported.");
            }

            var source = Source(node, 0);
            var (scale, shift, mean, variance) = (Floats(Constant(node, 1, "scale")), Floats(Constant(node, 2, "B")), Floats(Constant(node, 3, "input_mean")), Floats(Constant(node, 4, "input_var")));
            var epsilon = node.GetFloat("epsilon", 1e-5f);
            if (SoleReader(source) is { Kind: LayerKind.Conv2D or LayerKind.Dense } layer && layer.Activation == Activation.None)
            {
                Fold(layer, scale, shift, mean, variance, epsilon);
                Alias(node, layer.Name);
                return;
            }

            var norm = NewLayer(node, LayerKind.BatchNorm, source).With("Epsilon", Decimal(epsilon), 1e-5);
            Tensors[norm.Name + ".weight"] = scale;
            Tensors[norm.Name + ".bias"] = shift;
            Tensors[norm.Name + ".running_mean"] = mean;
            Tensors[norm.Name + ".running_var"] = variance;
        }

        /// <summary>w' = w * s, b' = (b - mean) * s + shift per output channel, s = scale / sqrt(var + eps), in double.</summary>
        private void Fold(ImportedLayer layer, float[] scale, float[] shift, float[] mean, float[] variance, float epsilon)
        {
            var weight = Tensors[layer.Name + ".weight"];
            var channels = scale.Length;
            var bias = Tensors.GetValueOrDefault(layer.Name + ".bias") ?? new float[channels];
            var perChannel = weight.Length / channels;
            for (var c = 0; c < channels; c++)
            {
                var s = scale[c] / Math.Sqrt(variance[c] + (double)epsilon);
                for (var i = c * perChannel; i < (c + 1) * perChannel; i++)
                {
                    weight[i] = (float)(weight[i] * s);
                }

                bias[c] = (float)(((bias[c] - (double)mean[c]) * s) + shift[c]);
            }

            SetBias(layer, bias);
        }

        private void Add(OnnxNode node)
        {
            if (node.Inputs.Count != 2)
            {
                throw Error(node, null, $"Add takes two tensors, not {node.Inputs.Count}.");
            }

            var constant = node.Inputs.FirstOrDefault(_constants.ContainsKey);
            if (constant is null)
            {
                NewLayer(node, LayerKind.Add, null, Source(node, 0), Source(node, 1));
                return;
            }

            // The bias of the MatMul before it: a constant of one value per unit.
            var source = Source(node, node.Inputs[0] == constant ? 1 : 0);
            var layer = SoleReader(source);
            var bias = _constants[constant];
            if (layer is not { Kind: LayerKind.Dense } || layer.Value("Bias") is not false || layer.Activation != Activation.None
                || bias.ElementCount != SampleShape(node, layer.Name)[0])
            {
                throw Error(node, constant, "adding a constant is imported only as the bias of the MatMul before it (one value per unit).");
            }

            SetBias(layer, Floats(bias));
            Alias(node, layer.Name);
        }

        private void Concat(OnnxNode node)
        {
            var sources = node.Inputs.Select((_, i) => Source(node, i)).ToArray();
            if (sources.Length < 2 || Axis(node, "axis", null, sources[0]) != 1)
            {
                throw Error(node, "axis", "only a concatenation of two or more tensors along the channels (axis 1) is a layer.");
            }

            NewLayer(node, LayerKind.Concat, null, sources.Cast<object>().ToArray());
        }

        /// <summary>A Flatten layer (nothing for a vector), or the error on <paramref name="fault"/>.</summary>
        private void Flatten(OnnxNode node, string? fault)
        {
            if (fault is not null)
            {
                throw Error(node, fault, "only a flatten to [N, C·H·W] (axis 1) is a layer.");
            }

            var source = Source(node, 0);
            if (SampleShape(node, source).Length == 1)
            {
                Alias(node, source);
                return;
            }

            NewLayer(node, LayerKind.Flatten, source);
        }

        /// <summary>Reshape to [N, elements]: [0, -1], [-1, elements], [batch, -1] or [batch, elements].</summary>
        private bool IsFlatten(OnnxNode node)
        {
            var shape = Constant(node, 1, "shape").ToInt64Array();
            var elements = SampleShape(node, Source(node, 0)).Aggregate(1L, (a, d) => a * d);
            return shape.Length == 2
                && (shape[1] == -1 || shape[1] == elements)
                && ((shape[0] == 0 && node.GetInt("allowzero", 0) == 0) || (shape[0] == -1 && shape[1] == elements) || (shape[0] > 0 && shape[0] == _batch));
        }

        /// <summary>A Pad that adds nothing (PyTorch writes one before some average pools): pads from the attribute before opset 11, the input from it.</summary>
        private bool IsZeroPad(OnnxNode node) =>
            (_model.OpsetVersion < 11 ? node.GetInts("pads") ?? [] : Constant(node, 1, "pads").ToInt64Array()).All(p => p == 0);

        /// <summary>Over the channels (axis 1): from opset 13 a single axis; before, axis 1 of a [N, F] tensor.</summary>
        private void Softmax(OnnxNode node)
        {
            var source = Source(node, 0);
            var opset13 = _model.OpsetVersion >= 13;
            if (Axis(node, "axis", opset13 ? -1 : 1, source) != 1 || (!opset13 && SampleShape(node, source).Length != 1))
            {
                throw Error(node, "axis", "the SDK's softmax runs over the channels (or the features of a vector): axis 1.");
            }

            NewLayer(node, LayerKind.Softmax, source);
        }

        private void Dropout(OnnxNode node)
        {
            if (node.Outputs.Skip(1).Any(o => _uses.GetValueOrDefault(o) > 0) || Optional(node, 2, "training_mode") is { } training && training.ToFloatArray().Any(v => v != 0))
            {
                throw Error(node, "training_mode", "only inference Dropout (no mask output, not in training mode) is imported.");
            }

            var rate = _model.OpsetVersion < 12 ? node.GetFloat("ratio", 0.5f) : Optional(node, 1, "ratio")?.ToFloatArray().Single() ?? 0.5f;
            NewLayer(node, LayerKind.Dropout, Source(node, 0), Decimal(rate));
        }

        /// <summary>A new layer reading <paramref name="source"/> (null for the kinds that name their inputs in <paramref name="positional"/>).</summary>
        private ImportedLayer NewLayer(OnnxNode node, LayerKind kind, string? source, params object[] positional)
        {
            var prefix = kind switch
            {
                LayerKind.Conv2D => "Conv",
                LayerKind.Activation => positional[0].ToString()!,
                _ => kind.ToString(),
            };
            var count = _counters[prefix] = _counters.GetValueOrDefault(prefix) + 1;
            var layer = new ImportedLayer(prefix + count.ToString(CultureInfo.InvariantCulture), kind, NodeName(node), positional);
            var previous = _layers.Count == 0 ? GraphInput : _layers[^1].Name;
            foreach (var read in source is null ? positional.Cast<string>() : new[] { source })
            {
                if (read == GraphInput && (source is null || _layers.Count > 0))
                {
                    throw Error(node, node.Inputs.First(i => _producer.GetValueOrDefault(i) == GraphInput), "only the first layer can read the network's input.");
                }
            }

            if (source is not null && source != previous)
            {
                layer.With("Input", source);
            }

            _layers.Add(layer);
            _layerReaders[layer.Name] = _uses.GetValueOrDefault(node.Outputs[0]);
            _producer[node.Outputs[0]] = layer.Name;
            return layer;
        }

        /// <summary>The node's output is what <paramref name="source"/> computes (its reading of one value moves to the output's readers).</summary>
        private void Alias(OnnxNode node, string source)
        {
            _producer[node.Outputs[0]] = source;
            if (source != GraphInput)
            {
                _layerReaders[source] += _uses.GetValueOrDefault(node.Outputs[0]) - 1;
            }
        }

        /// <summary>The layer computing <paramref name="source"/> when the node now reading it is its only reader.</summary>
        private ImportedLayer? SoleReader(string source) =>
            source != GraphInput && _layerReaders[source] == 1 ? _layers.Single(l => l.Name == source) : null;

        private void SetBias(ImportedLayer layer, float[]? bias)
        {
            if (bias is null)
            {
                layer.With("Bias", false);
                Tensors.Remove(layer.Name + ".bias");
                return;
            }

            layer.Without("Bias");
            Tensors[layer.Name + ".bias"] = bias;
        }

        /// <summary>The layer (or <see cref="GraphInput"/>) computing the node's input <paramref name="index"/>.</summary>
        private string Source(OnnxNode node, int index) =>
            index < node.Inputs.Count && _producer.TryGetValue(node.Inputs[index], out var layer) ? layer
            : throw Error(node, index < node.Inputs.Count ? node.Inputs[index] : $"input {index}",
                _constants.ContainsKey(node.Inputs.ElementAtOrDefault(index) ?? "") ? "a constant here is not supported: the SDK's layers read tensors computed from the input." : "this input is not computed by an earlier node.");

        private OnnxTensor Constant(OnnxNode node, int index, string name) =>
            Optional(node, index, name) ?? throw Error(node, name, "this input must be given.");

        private OnnxTensor? Optional(OnnxNode node, int index, string name) =>
            index >= node.Inputs.Count || node.Inputs[index].Length == 0 ? null
            : _constants.TryGetValue(node.Inputs[index], out var tensor) ? tensor
            : throw Error(node, name, $"must be a constant (an initializer), but '{node.Inputs[index]}' is computed.");

        /// <summary>The per-sample shape a layer (or the input) computes, from the compiler core's shape inference.</summary>
        private int[] SampleShape(OnnxNode node, string source)
        {
            if (source == GraphInput)
            {
                return InputShape;
            }

            if (_shapes?.Layers != _layers.Count)
            {
                var spec = new NetworkSpec("Shapes", InputShape, PlacementMode.Manual, EquatableArray<ChipSpec>.Empty, EquatableArray<LinkSpec>.Empty,
                    _layers.Select(l => l.ToSpec(null)).ToEquatableArray());
                try
                {
                    _shapes = (_layers.Count, NetworkPlan.Compile(spec));
                }
                catch (NetworkCompilationException e)
                {
                    throw Error(node, null, $"the layers before it do not compile: {e.Message}");
                }
            }

            return _shapes.Value.Plan.Layer(source).OutputShape.ToArray();
        }

        /// <summary>An axis attribute as an axis of [N, ...sample shape] (negative counts from the end).</summary>
        private long Axis(OnnxNode node, string attribute, long? fallback, string source)
        {
            var axis = node.Attributes.ContainsKey(attribute) ? node.GetInt(attribute, 0) : fallback ?? throw Error(node, attribute, "must be given.");
            return axis < 0 ? axis + SampleShape(node, source).Length + 1 : axis;
        }

        /// <summary>A two-value attribute (kernel, strides, dilations) whose values agree: the SDK's layers are square.</summary>
        private int Square(OnnxNode node, string attribute, int fallbackHeight, int fallbackWidth)
        {
            var values = node.GetInts(attribute) ?? [fallbackHeight, fallbackWidth];
            if (values.Count != 2 || values[0] != values[1] || values[0] is < 1 or > int.MaxValue)
            {
                throw Error(node, attribute, $"[{string.Join(", ", values)}]: the SDK's layers take two equal positive values (a square window over [N, C, H, W]).");
            }

            return (int)values[0];
        }

        /// <summary>Padding, the same on every side (auto_pad VALID is none).</summary>
        private int Padding(OnnxNode node)
        {
            var autoPad = node.GetString("auto_pad", "NOTSET");
            if (autoPad is not ("NOTSET" or "VALID"))
            {
                throw Error(node, "auto_pad", $"{autoPad} is not supported: export the model with explicit pads.");
            }

            var pads = node.GetInts("pads") ?? [0, 0, 0, 0];
            if (pads.Count != 4 || pads.Distinct().Count() != 1 || pads[0] is < 0 or > int.MaxValue || (autoPad == "VALID" && pads[0] != 0))
            {
                throw Error(node, "pads", $"[{string.Join(", ", pads)}]: the SDK pads every side of H and W alike.");
            }

            return (int)pads[0];
        }

        private static float[] Transpose(OnnxTensor matrix)
        {
            var (rows, columns, values) = (matrix.Shape[0], matrix.Shape[1], matrix.ToFloatArray());
            var transposed = new float[values.Length];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    transposed[(c * rows) + r] = values[(r * columns) + c];
                }
            }

            return transposed;
        }

        /// <summary>A copy of a constant's values: the layers' tensors are folded into, the model's stay as read.</summary>
        private static float[] Floats(OnnxTensor tensor) => (float[])tensor.ToFloatArray().Clone();

        private static void Scale(float[] values, float factor)
        {
            for (var i = 0; factor != 1f && i < values.Length; i++)
            {
                values[i] *= factor;
            }
        }

        /// <summary>A float attribute as the double its shortest decimal form names (1e-5f becomes 1E-05, not 9.99999974737875E-06).</summary>
        private static double Decimal(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        private static string NodeName(OnnxNode node) => node.Name.Length > 0 ? node.Name : node.Outputs.FirstOrDefault() ?? node.OpType;

        private OnnxImportException Error(OnnxNode node, string? attribute, string problem) => new(_source, NodeName(node), node.OpType, attribute, problem);

        private OnnxImportException GraphError(string what, string problem) => new(_source, _model.GraphName, "graph " + what, null, problem);
    }
}
