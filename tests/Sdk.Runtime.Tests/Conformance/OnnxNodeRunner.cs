using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Conformance
{
    /// <summary>
    /// Runs one ONNX node on an <see cref="IKernelBackend"/>: reads the operator's attributes (ONNX defaults,
    /// pads in ONNX order [x1_begin, x2_begin, x1_end, x2_end], auto_pad and ceil_mode output sizes, opset
    /// differences), builds the backend's shape structs and calls it. Whatever it does not support it declines
    /// with a <see cref="NotSupportedException"/> that names the operator, the attribute and the value, before
    /// anything is computed: it never returns numbers for a node it did not fully understand.
    /// </summary>
    public static class OnnxNodeRunner
    {
        /// <summary>The operators this runner knows.</summary>
        public static readonly IReadOnlyList<string> Operators =
        [
            "Conv", "Gemm", "MatMul", "Relu", "Sigmoid", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool",
            "BatchNormalization", "Softmax", "Add", "Concat", "Flatten",
        ];

        // Attributes each operator may carry; anything else is declined by name (e.g. opset < 7 `broadcast`).
        private static readonly Dictionary<string, string[]> KnownAttributes = new(StringComparer.Ordinal)
        {
            ["Conv"] = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"],
            ["Gemm"] = ["alpha", "beta", "transA", "transB"],
            ["MatMul"] = [],
            ["Relu"] = [],
            ["Sigmoid"] = [],
            ["Tanh"] = [],
            ["MaxPool"] = ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"],
            ["AveragePool"] = ["auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"],
            ["GlobalAveragePool"] = [],
            ["BatchNormalization"] = ["epsilon", "momentum", "training_mode", "spatial", "is_test"],
            ["Softmax"] = ["axis"],
            ["Add"] = [],
            ["Concat"] = ["axis"],
            ["Flatten"] = ["axis"],
        };

        /// <summary>
        /// Runs <paramref name="node"/> (of default-domain opset <paramref name="opset"/>) on
        /// <paramref name="inputs"/>, given in the node's input order (null for an omitted optional input);
        /// returns one float32 tensor per node output.
        /// </summary>
        /// <exception cref="NotSupportedException">An operator, attribute value, element type or output that is not supported.</exception>
        public static IReadOnlyList<OnnxTensor> Run(IKernelBackend backend, OnnxNode node, long opset, IReadOnlyList<OnnxTensor?> inputs)
        {
            ArgumentNullException.ThrowIfNull(backend);
            ArgumentNullException.ThrowIfNull(node);
            ArgumentNullException.ThrowIfNull(inputs);
            string op = node.OpType;
            if (node.Domain is not ("" or "ai.onnx") || !KnownAttributes.TryGetValue(op, out string[]? known))
            {
                throw new NotSupportedException($"{op}: operator = {(node.Domain.Length > 0 ? node.Domain + "." : "")}{op} is not supported: no kernel.");
            }

            foreach (OnnxAttribute attribute in node.Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                if (!known.Contains(attribute.Name))
                {
                    throw Decline(node, attribute.Name, Describe(attribute), "an attribute this runner does not know");
                }
            }

            foreach (OnnxTensor? input in inputs)
            {
                if (input is not null && input.ElementType != OnnxElementType.Float)
                {
                    throw Decline(node, $"type of input '{input.Name}'", input.ElementType.ToString(), "only float32 tensors are supported");
                }
            }

            Tensor[] outputs = op switch
            {
                "Conv" => [Conv(backend, node, inputs)],
                "Gemm" => [Gemm(backend, node, inputs)],
                "MatMul" => [MatMul(backend, node, inputs)],
                "Relu" => [Unary(backend, node, inputs, Activation.Relu)],
                "Sigmoid" => [Unary(backend, node, inputs, Activation.Sigmoid)],
                "Tanh" => [Unary(backend, node, inputs, Activation.Tanh)],
                "MaxPool" => [Pool(backend, node, inputs, PoolShape.Max)],
                "AveragePool" => [Pool(backend, node, inputs, PoolShape.Average)],
                "GlobalAveragePool" => [GlobalAveragePool(backend, node, inputs)],
                "BatchNormalization" => [BatchNorm(backend, node, opset, inputs)],
                "Softmax" => [Softmax(backend, node, opset, inputs)],
                "Add" => [Add(backend, node, inputs)],
                "Concat" => [Concat(backend, node, inputs)],
                "Flatten" => [Flatten(node, inputs)],
                _ => throw new InvalidOperationException($"{op} is known but has no case."),
            };
            return outputs.Select((t, i) => OnnxTensor.FromFloats(node.Outputs[i], t.Shape, t.Data)).ToArray();
        }

        private sealed record Tensor(int[] Shape, float[] Data);

        private static Tensor Conv(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor x = Input(node, inputs, 0);
            OnnxTensor w = Input(node, inputs, 1);
            OnnxTensor? b = Optional(inputs, 2);
            if (x.Shape.Length is not (3 or 4))
            {
                throw Decline(node, "input rank", x.Shape.Length.ToString(), "only 1-D and 2-D convolution ([N, C, W] or [N, C, H, W])");
            }

            int spatialRank = x.Shape.Length - 2;
            int[] kernel = w.Shape[2..];
            if (w.Shape.Length != x.Shape.Length)
            {
                throw Invalid(node, $"weight [{Join(w.Shape)}] does not match input [{Join(x.Shape)}]");
            }

            IReadOnlyList<long>? kernelShape = node.GetInts("kernel_shape");
            if (kernelShape is not null && !kernelShape.SequenceEqual(kernel.Select(k => (long)k)))
            {
                throw Invalid(node, $"kernel_shape [{Join(kernelShape)}] differs from the weight's [{Join(kernel)}]");
            }

            int groups = (int)node.GetInt("group", 1);
            int n = x.Shape[0], cin = x.Shape[1], cout = w.Shape[0];
            if (groups <= 0 || cin % groups != 0 || cout % groups != 0 || w.Shape[1] != cin / groups)
            {
                throw Invalid(node, $"group {groups} does not fit input channels {cin}, weight [{Join(w.Shape)}]");
            }

            if (b is not null && !b.Shape.SequenceEqual([cout]))
            {
                throw Invalid(node, $"bias [{Join(b.Shape)}] is not [{cout}]");
            }

            Spatial sp = Spatial.Of(node, x.Shape[2..], kernel, ceilMode: false, pooling: false);
            var s = new ConvShape(
                cin, sp.H, sp.W, cout, sp.KH, sp.KW, sp.StrideH, sp.StrideW, sp.PadTop, sp.PadLeft,
                sp.DilationH, sp.DilationW, groups, sp.Ho, sp.Wo, b is null ? 0 : 1, (int)Activation.None);
            float[] y = backend.Conv2D(x.FloatData!, n, w.FloatData!, b?.FloatData, s);
            return new Tensor([n, cout, .. sp.OutputDims(spatialRank)], y);
        }

        private static Tensor Pool(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs, int kind)
        {
            if (node.Outputs.Count > 1)
            {
                throw Decline(node, "outputs", $"{node.Outputs.Count} (Y, Indices)", "the Indices output (argmax) is not computed");
            }

            OnnxTensor x = Input(node, inputs, 0);
            IReadOnlyList<long> kernelShape = node.GetInts("kernel_shape") ?? throw Invalid(node, "kernel_shape is required");
            if (kernelShape.Count is not (1 or 2))
            {
                throw Decline(node, "kernel_shape", $"[{Join(kernelShape)}]", "only 1-D and 2-D pooling");
            }

            if (x.Shape.Length != kernelShape.Count + 2)
            {
                throw Invalid(node, $"kernel_shape [{Join(kernelShape)}] does not fit input [{Join(x.Shape)}]");
            }

            bool ceil = node.GetInt("ceil_mode", 0) != 0;
            bool includePad = node.GetInt("count_include_pad", 0) != 0;
            Spatial sp = Spatial.Of(node, x.Shape[2..], kernelShape.Select(k => (int)k).ToArray(), ceil, pooling: true);
            int n = x.Shape[0], c = x.Shape[1];
            var s = new PoolShape(
                kind, c, sp.H, sp.W, sp.KH, sp.KW, sp.StrideH, sp.StrideW, sp.PadTop, sp.PadLeft, sp.PadBottom, sp.PadRight,
                sp.DilationH, sp.DilationW, sp.Ho, sp.Wo, includePad ? 1 : 0);
            float[] y = backend.Pool(x.FloatData!, n, s);
            return new Tensor([n, c, .. sp.OutputDims(kernelShape.Count)], y);
        }

        private static Tensor GlobalAveragePool(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor x = Input(node, inputs, 0);
            if (x.Shape.Length < 3)
            {
                throw Invalid(node, $"input [{Join(x.Shape)}] has no spatial dimensions");
            }

            int spatial = Product(x.Shape[2..]);
            float[] y = backend.GlobalAveragePool(x.FloatData!, x.Shape[0], x.Shape[1], spatial);
            return new Tensor([x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1, x.Shape.Length - 2)], y);
        }

        private static Tensor Gemm(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor a = Input(node, inputs, 0);
            OnnxTensor b = Input(node, inputs, 1);
            OnnxTensor? c = Optional(inputs, 2);
            bool transA = node.GetInt("transA", 0) != 0, transB = node.GetInt("transB", 0) != 0;
            float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
            if (a.Shape.Length != 2 || b.Shape.Length != 2)
            {
                throw Invalid(node, $"A [{Join(a.Shape)}] and B [{Join(b.Shape)}] must be matrices");
            }

            int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
            int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
            if (k != kb)
            {
                throw Invalid(node, $"inner sizes differ: A' is [{m}, {k}], B' is [{kb}, {n}]");
            }

            // PyTorch's Linear (x W^T + b, b of N elements): the Dense kernel the generated code runs for a Dense layer.
            bool vectorBias = c is null || (c.ElementCount == n && (c.Shape.SequenceEqual([n]) || c.Shape.SequenceEqual([1, n])));
            if (!transA && transB && alpha == 1f && (beta == 1f || c is null) && vectorBias)
            {
                float[] dense = backend.Dense(a.FloatData!, m, b.FloatData!, c?.FloatData, new DenseShape(k, n, c is null ? 0 : 1, (int)Activation.None));
                return new Tensor([m, n], dense);
            }

            GemmShape s;
            try
            {
                s = GemmShape.Create(m, n, k, transA, transB, alpha, beta, c?.Shape);
            }
            catch (ArgumentException e)
            {
                throw Invalid(node, e.Message);
            }

            return new Tensor([m, n], backend.Gemm(a.FloatData!, b.FloatData!, c?.FloatData, s));
        }

        private static Tensor MatMul(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor a = Input(node, inputs, 0);
            OnnxTensor b = Input(node, inputs, 1);
            if (a.Shape.Length == 0 || b.Shape.Length == 0)
            {
                throw Invalid(node, "MatMul operands must have rank 1 or more");
            }

            // numpy matmul: a 1-D A is a row [1, K] and a 1-D B a column [K, 1]; those dimensions leave the output.
            int[] aShape = a.Shape.Length == 1 ? [1, a.Shape[0]] : a.Shape;
            int[] bShape = b.Shape.Length == 1 ? [b.Shape[0], 1] : b.Shape;
            int batchRank = Math.Max(aShape.Length, bShape.Length) - 2;
            if (batchRank > BroadcastShape.MaxRank)
            {
                throw Decline(node, "input rank", (batchRank + 2).ToString(), $"at most {BroadcastShape.MaxRank} batch dimensions");
            }

            MatMulShape s;
            try
            {
                s = MatMulShape.Create(aShape, bShape);
            }
            catch (ArgumentException e)
            {
                throw Invalid(node, e.Message);
            }

            List<int> shape = [.. s.OutputShape()];
            if (b.Shape.Length == 1)
            {
                shape.RemoveAt(shape.Count - 1);
            }

            if (a.Shape.Length == 1)
            {
                shape.RemoveAt(shape.Count - (b.Shape.Length == 1 ? 1 : 2));
            }

            return new Tensor([.. shape], backend.MatMul(a.FloatData!, b.FloatData!, s));
        }

        private static Tensor Unary(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs, Activation activation)
        {
            RequireOutputs(node, 1);
            OnnxTensor x = Input(node, inputs, 0);
            return new Tensor(x.Shape, backend.Activation(x.FloatData!, activation));
        }

        private static Tensor BatchNorm(IKernelBackend backend, OnnxNode node, long opset, IReadOnlyList<OnnxTensor?> inputs)
        {
            long trainingMode = node.GetInt("training_mode", 0);
            if (trainingMode != 0)
            {
                throw Decline(node, "training_mode", trainingMode.ToString(), "inference only (running statistics)");
            }

            long isTest = node.GetInt("is_test", opset < 7 ? 0 : 1);
            if (opset < 7 && isTest == 0)
            {
                throw Decline(node, "is_test", "0", "inference only (opset < 7 defaults to training)");
            }

            long spatialAttribute = node.GetInt("spatial", 1);
            if (spatialAttribute != 1)
            {
                throw Decline(node, "spatial", spatialAttribute.ToString(), "only per-channel statistics (spatial = 1)");
            }

            if (node.Outputs.Count > 1)
            {
                throw Decline(node, "outputs", node.Outputs.Count.ToString(), "only Y; the running statistics are training outputs");
            }

            OnnxTensor x = Input(node, inputs, 0);
            OnnxTensor[] p = [.. Enumerable.Range(1, 4).Select(i => Input(node, inputs, i))];
            if (x.Shape.Length < 2)
            {
                throw Invalid(node, $"input [{Join(x.Shape)}] has no channel dimension");
            }

            int c = x.Shape[1];
            if (p.Any(t => !t.Shape.SequenceEqual([c])))
            {
                throw Invalid(node, $"scale, B, mean and var must be [{c}]; got {string.Join(", ", p.Select(t => $"[{Join(t.Shape)}]"))}");
            }

            float epsilon = node.GetFloat("epsilon", 1e-5f);
            var s = new ChannelAffineShape(c, Product(x.Shape[2..]), (int)Activation.None);
            float[] y = backend.BatchNormInference(x.FloatData!, x.Shape[0], p[0].FloatData!, p[1].FloatData!, p[2].FloatData!, p[3].FloatData!, epsilon, s);
            return new Tensor(x.Shape, y);
        }

        private static Tensor Softmax(IKernelBackend backend, OnnxNode node, long opset, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor x = Input(node, inputs, 0);
            int rank = x.Shape.Length;
            int axis = Axis(node, node.GetInt("axis", opset >= 13 ? -1 : 1), rank, rank - 1);

            // Opset 13 normalises along one axis; before, the input was flattened to 2-D at the axis and each row normalised.
            SoftmaxShape s = opset >= 13
                ? new SoftmaxShape(Product(x.Shape[..axis]), x.Shape[axis], Product(x.Shape[(axis + 1)..]))
                : new SoftmaxShape(Product(x.Shape[..axis]), Product(x.Shape[axis..]), 1);
            return new Tensor(x.Shape, backend.Softmax(x.FloatData!, s));
        }

        private static Tensor Add(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor a = Input(node, inputs, 0);
            OnnxTensor b = Input(node, inputs, 1);
            int rank = Math.Max(a.Shape.Length, b.Shape.Length);
            if (rank > BroadcastShape.MaxRank)
            {
                throw Decline(node, "input rank", rank.ToString(), $"broadcasting up to rank {BroadcastShape.MaxRank}");
            }

            BroadcastShape s;
            try
            {
                s = BroadcastShape.Create(a.Shape, b.Shape);
            }
            catch (ArgumentException e)
            {
                throw Invalid(node, e.Message);
            }

            return new Tensor(s.OutputShape(), backend.Add(a.FloatData!, b.FloatData!, s));
        }

        private static Tensor Concat(IKernelBackend backend, OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor[] parts = [.. Enumerable.Range(0, inputs.Count).Select(i => Input(node, inputs, i))];
            if (parts.Length == 0)
            {
                throw Invalid(node, "no inputs");
            }

            int[] first = parts[0].Shape;
            int axis = Axis(node, node.Attributes.ContainsKey("axis") ? node.GetInt("axis", 0) : 1, first.Length, first.Length - 1);
            foreach (OnnxTensor part in parts)
            {
                if (part.Shape.Length != first.Length || Enumerable.Range(0, first.Length).Any(d => d != axis && part.Shape[d] != first[d]))
                {
                    throw Invalid(node, $"input [{Join(part.Shape)}] does not match [{Join(first)}] outside axis {axis}");
                }
            }

            int outer = Product(first[..axis]), inner = Product(first[(axis + 1)..]);
            int[] channels = [.. parts.Select(p => p.Shape[axis])];
            float[] y = backend.Concat([.. parts.Select(p => p.FloatData!)], outer, channels, inner);
            int[] shape = (int[])first.Clone();
            shape[axis] = channels.Sum();
            return new Tensor(shape, y);
        }

        // A reshape: no kernel runs; the data passes unchanged under the new shape.
        private static Tensor Flatten(OnnxNode node, IReadOnlyList<OnnxTensor?> inputs)
        {
            RequireOutputs(node, 1);
            OnnxTensor x = Input(node, inputs, 0);
            int rank = x.Shape.Length;
            int axis = Axis(node, node.GetInt("axis", 1), rank, rank);
            return new Tensor([Product(x.Shape[..axis]), Product(x.Shape[axis..])], (float[])x.FloatData!.Clone());
        }

        /// <summary>An axis attribute in [-rank, max], made non-negative.</summary>
        private static int Axis(OnnxNode node, long axis, int rank, int max)
        {
            if (axis < -rank || axis > max)
            {
                throw Invalid(node, $"axis {axis} is out of range [{-rank}, {max}] for rank {rank}");
            }

            return (int)(axis < 0 ? axis + rank : axis);
        }

        private static OnnxTensor Input(OnnxNode node, IReadOnlyList<OnnxTensor?> inputs, int index) =>
            (index < inputs.Count ? inputs[index] : null) ?? throw Invalid(node, $"input {index} is missing");

        private static OnnxTensor? Optional(IReadOnlyList<OnnxTensor?> inputs, int index) => index < inputs.Count ? inputs[index] : null;

        private static void RequireOutputs(OnnxNode node, int count)
        {
            if (node.Outputs.Count != count)
            {
                throw Decline(node, "outputs", node.Outputs.Count.ToString(), $"this runner computes {count}");
            }
        }

        private static int Product(IEnumerable<int> dims) => dims.Aggregate(1, (p, d) => checked(p * d));

        private static string Join<T>(IEnumerable<T> values) => string.Join(", ", values);

        private static string Describe(OnnxAttribute attribute) => attribute.Kind switch
        {
            OnnxAttributeKind.Int => attribute.AsInt.ToString(),
            OnnxAttributeKind.Float => attribute.AsFloat.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            OnnxAttributeKind.String => attribute.AsString,
            OnnxAttributeKind.Ints => $"[{Join(attribute.AsInts)}]",
            OnnxAttributeKind.Floats => $"[{Join(attribute.AsFloats)}]",
            _ => attribute.Kind.ToString(),
        };

        /// <summary>"Op: attribute = value is not supported: why." Thrown before any kernel runs.</summary>
        internal static NotSupportedException Decline(OnnxNode node, string attribute, string value, string why) =>
            new($"{node.OpType}: {attribute} = {value} is not supported: {why}.");

        private static InvalidOperationException Invalid(OnnxNode node, string why) => new($"{node.OpType}: invalid node: {why}.");

        /// <summary>
        /// The spatial geometry of a 1-D or 2-D window operator (a 1-D one is a 2-D one with H = 1): kernel,
        /// strides, dilations, pads from <c>pads</c> or <c>auto_pad</c>, and output sizes (floor, or ceil_mode).
        /// </summary>
        private sealed record Spatial(
            int H, int W, int KH, int KW, int StrideH, int StrideW, int DilationH, int DilationW,
            int PadTop, int PadLeft, int PadBottom, int PadRight, int Ho, int Wo)
        {
            public int[] OutputDims(int spatialRank) => spatialRank == 1 ? [Wo] : [Ho, Wo];

            public static Spatial Of(OnnxNode node, int[] input, int[] kernel, bool ceilMode, bool pooling)
            {
                int rank = input.Length;
                int[] strides = Ints(node, "strides", rank, 1);
                int[] dilations = Ints(node, "dilations", rank, 1);
                string autoPad = node.GetString("auto_pad", "NOTSET");
                IReadOnlyList<long>? pads = node.GetInts("pads");
                if (autoPad != "NOTSET" && pads is not null && pads.Any(p => p != 0))
                {
                    throw Invalid(node, $"auto_pad {autoPad} and explicit pads [{Join(pads)}] together");
                }

                if (pads is not null && pads.Count != 2 * rank)
                {
                    throw Invalid(node, $"pads [{Join(pads)}] must have {2 * rank} values");
                }

                if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0) || kernel.Any(k => k <= 0) || (pads?.Any(p => p < 0) ?? false))
                {
                    throw Invalid(node, $"kernel [{Join(kernel)}], strides [{Join(strides)}], dilations [{Join(dilations)}] must be positive, pads not negative");
                }

                var begin = new int[rank];
                var end = new int[rank];
                var output = new int[rank];
                for (int i = 0; i < rank; i++)
                {
                    int effective = ((kernel[i] - 1) * dilations[i]) + 1;
                    switch (autoPad)
                    {
                        case "NOTSET":
                            begin[i] = (int)(pads?[i] ?? 0);
                            end[i] = (int)(pads?[i + rank] ?? 0);
                            int span = input[i] + begin[i] + end[i] - effective;
                            output[i] = (ceilMode ? CeilDiv(span, strides[i]) : FloorDiv(span, strides[i])) + 1;

                            // ceil_mode may add a window; one that would start inside the end padding is dropped
                            // (as PyTorch and ONNX Runtime do), so every window reads at least one element.
                            if (ceilMode && (output[i] - 1) * strides[i] >= input[i] + begin[i])
                            {
                                output[i]--;
                            }

                            break;
                        case "VALID":
                            output[i] = FloorDiv(input[i] - effective, strides[i]) + 1;
                            break;
                        case "SAME_UPPER":
                        case "SAME_LOWER":
                            output[i] = CeilDiv(input[i], strides[i]);
                            int total = Math.Max(0, ((output[i] - 1) * strides[i]) + effective - input[i]);
                            begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - (total / 2);
                            end[i] = total - begin[i];
                            break;
                        default:
                            throw Decline(node, "auto_pad", autoPad, "expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
                    }

                    if (output[i] <= 0)
                    {
                        throw Invalid(node, $"the window (kernel {kernel[i]}, dilation {dilations[i]}) is larger than the padded input {input[i]} on spatial axis {i}");
                    }

                    // A pooling window entirely in padding would have no element to take the max or mean of.
                    if (pooling && (begin[i] >= effective || end[i] >= effective))
                    {
                        throw Decline(node, "pads", $"[{Join(pads ?? [])}]", $"padding {begin[i]}/{end[i]} reaches a whole window ({effective}) on spatial axis {i}");
                    }
                }

                return rank == 1
                    ? new Spatial(1, input[0], 1, kernel[0], 1, strides[0], 1, dilations[0], 0, begin[0], 0, end[0], 1, output[0])
                    : new Spatial(
                        input[0], input[1], kernel[0], kernel[1], strides[0], strides[1], dilations[0], dilations[1],
                        begin[0], begin[1], end[0], end[1], output[0], output[1]);
            }

            private static int[] Ints(OnnxNode node, string name, int rank, int defaultValue)
            {
                IReadOnlyList<long>? values = node.GetInts(name);
                if (values is null)
                {
                    return Enumerable.Repeat(defaultValue, rank).ToArray();
                }

                return values.Count == rank ? values.Select(v => (int)v).ToArray() : throw Invalid(node, $"{name} [{Join(values)}] must have {rank} values");
            }

            private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);

            private static int CeilDiv(int a, int b) => (int)Math.Ceiling(a / (double)b);
        }
    }
}
