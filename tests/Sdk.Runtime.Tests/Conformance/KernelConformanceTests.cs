using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.Onnx;
using Xunit.Abstractions;

namespace Sdk.Runtime.Tests.Conformance
{
    /// <summary>Makes the backend a conformance test class runs on (one per class, shared by its tests).</summary>
    public interface IKernelBackendFactory
    {
        static abstract IKernelBackend Create();
    }

    /// <summary>One backend for all tests of a class, created on first use and disposed after the last test.</summary>
    public sealed class KernelBackendFixture<TFactory> : IDisposable
        where TFactory : IKernelBackendFactory
    {
        private readonly Lazy<IKernelBackend> _backend = new(TFactory.Create);

        public IKernelBackend Backend => _backend.Value;

        public void Dispose()
        {
            if (_backend.IsValueCreated)
            {
                _backend.Value.Dispose();
            }
        }
    }

    /// <summary>
    /// The ONNX backend node tests (Debian <c>libonnx-testdata</c>) run on one <see cref="IKernelBackend"/>:
    /// one theory case per node-test folder, a summary table, and synthetic cases for what the suite does not
    /// cover (groups, dilations, 1-D convolution, opset-11 Softmax, broadcast MatMul and Add). A backend joins
    /// by deriving a class that names itself as the factory:
    /// <code>
    /// public sealed class MyConformanceTests(KernelBackendFixture&lt;MyConformanceTests&gt; f, ITestOutputHelper o)
    ///     : KernelConformanceTests&lt;MyConformanceTests&gt;(f, o), IKernelBackendFactory { public static IKernelBackend Create() => new MyBackend(); }
    /// </code>
    /// </summary>
    public abstract class KernelConformanceTests<TFactory>(KernelBackendFixture<TFactory> fixture, ITestOutputHelper output)
        : IClassFixture<KernelBackendFixture<TFactory>>
        where TFactory : IKernelBackendFactory
    {
        /// <summary>
        /// The folders of libonnx-testdata 1.12 that are declined, each with the text its
        /// <see cref="NotSupportedException"/> must contain. A folder declined that is not listed fails, and so
        /// does a listed folder that passes (update the list when support grows).
        /// </summary>
        public static readonly IReadOnlyDictionary<string, string> DefaultExpectedDeclines = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["test_add_uint8"] = "Add: type of input 'x' = UInt8",
            ["test_maxpool_2d_uint8"] = "MaxPool: type of input 'x' = UInt8",
            ["test_maxpool_3d_default"] = "MaxPool: kernel_shape = [2, 2, 2]",
            ["test_averagepool_3d_default"] = "AveragePool: kernel_shape = [2, 2, 2]",
            ["test_maxpool_with_argmax_2d_precomputed_pads"] = "MaxPool: outputs = 2 (Y, Indices)",
            ["test_maxpool_with_argmax_2d_precomputed_strides"] = "MaxPool: outputs = 2 (Y, Indices)",
            ["test_batchnorm_epsilon_training_mode"] = "BatchNormalization: training_mode = 1",
            ["test_batchnorm_example_training_mode"] = "BatchNormalization: training_mode = 1",
        };

        protected IKernelBackend Backend => fixture.Backend;

        /// <summary>The folders this backend declines; a backend that supports less may add to the default.</summary>
        protected virtual IReadOnlyDictionary<string, string> ExpectedDeclines => DefaultExpectedDeclines;

        /// <summary>(op, folder) of every installed node test of every operator under test.</summary>
        public static TheoryData<string, string> NodeTestFolders()
        {
            var data = new TheoryData<string, string>();
            foreach ((string op, string folder) in ConformanceSuite.Folders)
            {
                data.Add(op, folder);
            }

            return data;
        }

        [OnnxNodeTestsTheory]
        [MemberData(nameof(NodeTestFolders))]
        public void Node_test(string op, string folder)
        {
            ConformanceOutcome outcome = ConformanceSuite.Check(Backend, op, folder);
            switch (outcome.Result)
            {
                case ConformanceResult.Passed:
                    Assert.False(
                        ExpectedDeclines.ContainsKey(folder),
                        $"{folder} passes on {Backend.Name} but is listed as declined: remove it from the expected declines.");
                    break;
                case ConformanceResult.Declined:
                    output.WriteLine($"declined: {outcome.Message}");
                    Assert.True(ExpectedDeclines.TryGetValue(folder, out string? expected), $"{folder} was declined unexpectedly: {outcome.Message}");
                    Assert.StartsWith(op + ": ", outcome.Message, StringComparison.Ordinal);
                    Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
                    Assert.Contains(" is not supported: ", outcome.Message, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Fail($"{folder} on {Backend.Name}: {outcome.Message}");
                    break;
            }
        }

        [OnnxNodeTestsFact]
        public void Summary_every_operator_passes_and_nothing_fails()
        {
            ConformanceOutcome[] outcomes = [.. ConformanceSuite.Folders.Select(f => ConformanceSuite.Check(Backend, f.Op, f.Folder))];
            var table = new StringBuilder();
            table.AppendLine($"ONNX node tests on {Backend.Name} (rtol {ConformanceSuite.RelativeTolerance}, atol {ConformanceSuite.AbsoluteTolerance}):");
            table.AppendLine();
            table.AppendLine("| op | folders | passed | declined (unsupported) | failed |");
            table.AppendLine("|---|---:|---:|---:|---:|");
            foreach ((string op, _) in ConformanceSuite.Operators)
            {
                ConformanceOutcome[] mine = [.. outcomes.Where(o => o.Op == op)];
                table.AppendLine(
                    $"| {op} | {mine.Length} | {mine.Count(o => o.Result == ConformanceResult.Passed)} | " +
                    $"{mine.Count(o => o.Result == ConformanceResult.Declined)} | {mine.Count(o => o.Result == ConformanceResult.Failed)} |");
            }

            table.AppendLine(
                $"| **total** | {outcomes.Length} | {outcomes.Count(o => o.Result == ConformanceResult.Passed)} | " +
                $"{outcomes.Count(o => o.Result == ConformanceResult.Declined)} | {outcomes.Count(o => o.Result == ConformanceResult.Failed)} |");
            table.AppendLine();
            foreach (ConformanceOutcome o in outcomes.Where(o => o.Result != ConformanceResult.Passed))
            {
                table.AppendLine($"- {o.Folder}: {o.Result.ToString().ToLowerInvariant()}: {o.Message}");
            }

            output.WriteLine(table.ToString());

            string[] failed = [.. outcomes.Where(o => o.Result == ConformanceResult.Failed).Select(o => $"{o.Folder}: {o.Message}")];
            Assert.True(failed.Length == 0, $"{failed.Length} failed:\n{string.Join("\n", failed)}");
            string[] withoutPass = [.. ConformanceSuite.Operators
                .Select(o => o.Op)
                .Where(op => !outcomes.Any(o => o.Op == op && o.Result == ConformanceResult.Passed))];
            Assert.True(withoutPass.Length == 0, $"operators without a passing folder: {string.Join(", ", withoutPass)}");
            Assert.Equal(
                ExpectedDeclines.Keys.Where(k => outcomes.Any(o => o.Folder == k)).Order(StringComparer.Ordinal),
                outcomes.Where(o => o.Result == ConformanceResult.Declined).Select(o => o.Folder).Order(StringComparer.Ordinal));
        }

        // Synthetic nodes: what libonnx-testdata 1.12 has no folder for, against straightforward host loops.

        [Fact]
        public void Conv_with_groups_dilations_strides_and_asymmetric_pads()
        {
            float[] x = Random(2 * 4 * 6 * 7, 1), w = Random(6 * 2 * 3 * 2, 2), b = Random(6, 3);
            OnnxNode node = new(
                "Conv",
                ["x", "w", "b"],
                ["y"],
                [
                    OnnxAttribute.Int("group", 2), OnnxAttribute.Ints("dilations", 2, 1), OnnxAttribute.Ints("strides", 1, 2),
                    OnnxAttribute.Ints("pads", 1, 0, 2, 1), OnnxAttribute.Ints("kernel_shape", 3, 2),
                ]);
            OnnxTensor y = RunSingle(node, 11, Floats("x", [2, 4, 6, 7], x), Floats("w", [6, 2, 3, 2], w), Floats("b", [6], b));

            // H' = (6 + 1 + 2 - 5) / 1 + 1 = 5; W' = (7 + 0 + 1 - 2) / 2 + 1 = 4.
            Assert.Equal([2, 6, 5, 4], y.Shape);
            float[] expected = HostConv(x, 2, 4, 6, 7, w, 6, 3, 2, b, 2, stride: (1, 2), dilation: (2, 1), pad: (1, 0), 5, 4);
            AssertClose(expected, y.FloatData!);
        }

        [Fact]
        public void Conv_1d_is_2d_with_a_height_of_one()
        {
            float[] x = Random(2 * 3 * 9, 4), w = Random(4 * 3 * 3, 5);
            OnnxNode node = new("Conv", ["x", "w"], ["y"], [OnnxAttribute.Ints("strides", 2), OnnxAttribute.Ints("pads", 1, 2)]);
            OnnxTensor y = RunSingle(node, 11, Floats("x", [2, 3, 9], x), Floats("w", [4, 3, 3], w));

            // W' = (9 + 1 + 2 - 3) / 2 + 1 = 5.
            Assert.Equal([2, 4, 5], y.Shape);
            AssertClose(HostConv(x, 2, 3, 1, 9, w, 4, 1, 3, null, 1, stride: (1, 2), dilation: (1, 1), pad: (0, 1), 1, 5), y.FloatData!);
        }

        [Fact]
        public void Softmax_before_opset_13_normalises_the_flattened_tail_and_from_13_one_axis()
        {
            float[] x = Random(2 * 3 * 4, 6);
            OnnxNode node = new("Softmax", ["x"], ["y"], [OnnxAttribute.Int("axis", 1)]);
            OnnxTensor old = RunSingle(node, 11, Floats("x", [2, 3, 4], x));
            OnnxTensor current = RunSingle(node, 13, Floats("x", [2, 3, 4], x));

            AssertClose(HostSoftmax(x, 2, 12, 1), old.FloatData!);
            AssertClose(HostSoftmax(x, 2, 3, 4), current.FloatData!);
            Assert.Equal([2, 3, 4], old.Shape);

            // Defaults: axis 1 before opset 13, the last axis from 13.
            OnnxNode byDefault = new("Softmax", ["x"], ["y"]);
            AssertClose(HostSoftmax(x, 2, 12, 1), RunSingle(byDefault, 11, Floats("x", [2, 3, 4], x)).FloatData!);
            AssertClose(HostSoftmax(x, 6, 4, 1), RunSingle(byDefault, 13, Floats("x", [2, 3, 4], x)).FloatData!);
        }

        [Fact]
        public void MatMul_broadcasts_batch_dimensions_and_promotes_vectors()
        {
            float[] a = Random(2 * 1 * 3 * 4, 7), b = Random(3 * 4 * 5, 8);
            OnnxNode node = new("MatMul", ["a", "b"], ["y"]);
            OnnxTensor y = RunSingle(node, 13, Floats("a", [2, 1, 3, 4], a), Floats("b", [3, 4, 5], b));
            Assert.Equal([2, 3, 3, 5], y.Shape);
            var expected = new float[2 * 3 * 3 * 5];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    Array.Copy(HostMatMul(a.AsSpan(i * 12, 12), b.AsSpan(j * 20, 20), 3, 4, 5), 0, expected, ((i * 3) + j) * 15, 15);
                }
            }

            AssertClose(expected, y.FloatData!);

            float[] v = Random(4, 9);
            OnnxTensor rowTimesBatch = RunSingle(node, 13, Floats("a", [4], v), Floats("b", [3, 4, 5], b));
            Assert.Equal([3, 5], rowTimesBatch.Shape);
            AssertClose([.. Enumerable.Range(0, 3).SelectMany(j => HostMatMul(v, b.AsSpan(j * 20, 20), 1, 4, 5))], rowTimesBatch.FloatData!);

            OnnxTensor batchTimesColumn = RunSingle(node, 13, Floats("a", [3, 5, 4], b), Floats("b", [4], v));
            Assert.Equal([3, 5], batchTimesColumn.Shape);
            AssertClose(HostMatMul(b, v, 15, 4, 1), batchTimesColumn.FloatData!);
        }

        [Fact]
        public void Add_broadcasts_both_operands()
        {
            float[] a = Random(2 * 3, 10), b = Random(4 * 5, 11);
            OnnxTensor y = RunSingle(new OnnxNode("Add", ["a", "b"], ["y"]), 14, Floats("a", [2, 1, 3, 1], a), Floats("b", [4, 1, 5], b));
            Assert.Equal([2, 4, 3, 5], y.Shape);
            var expected = new float[2 * 4 * 3 * 5];
            for (int i = 0; i < expected.Length; i++)
            {
                int e = i % 5, c = (i / 5) % 3, bb = (i / 15) % 4, n = i / 60;
                expected[i] = a[(n * 3) + c] + b[(bb * 5) + e];
            }

            AssertClose(expected, y.FloatData!);
        }

        [Fact]
        public void Gemm_broadcasts_a_column_bias()
        {
            float[] a = Random(4 * 3, 12), b = Random(4 * 5, 13), c = Random(3, 14);
            OnnxNode node = new("Gemm", ["a", "b", "c"], ["y"], [OnnxAttribute.Int("transA", 1), OnnxAttribute.Float("beta", 2f)]);
            OnnxTensor y = RunSingle(node, 13, Floats("a", [4, 3], a), Floats("b", [4, 5], b), Floats("c", [3, 1], c));
            float[] at = [.. Enumerable.Range(0, 12).Select(i => a[((i % 4) * 3) + (i / 4)])];
            float[] expected = [.. HostMatMul(at, b, 3, 4, 5).Select((v, i) => v + (2f * c[i / 5]))];
            AssertClose(expected, y.FloatData!);
        }

        [Fact]
        public void Pool_ceil_mode_drops_a_window_that_would_start_in_the_padding()
        {
            // H = W = 5, kernel 3, stride 3, pads 1: ceil((5 + 2 - 3) / 3) + 1 = 3 windows, but the third would start
            // at 6 = H + pad_begin, wholly in the end padding: 2 remain (PyTorch and ONNX Runtime agree).
            float[] x = Random(25, 15);
            OnnxNode node = new(
                "AveragePool",
                ["x"],
                ["y"],
                [OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("strides", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1), OnnxAttribute.Int("ceil_mode", 1)]);
            OnnxTensor y = RunSingle(node, 11, Floats("x", [1, 1, 5, 5], x));
            Assert.Equal([1, 1, 2, 2], y.Shape);
            float Mean(int r0, int r1, int c0, int c1) =>
                Enumerable.Range(r0, r1 - r0).SelectMany(r => Enumerable.Range(c0, c1 - c0).Select(c => x[(r * 5) + c])).Average();
            AssertClose([Mean(0, 2, 0, 2), Mean(0, 2, 2, 5), Mean(2, 5, 0, 2), Mean(2, 5, 2, 5)], y.FloatData!);
        }

        [Fact]
        public void Unsupported_attributes_types_and_ranks_are_declined_by_name_and_value()
        {
            OnnxTensor x = Floats("x", [1, 2, 3], Random(6, 16));
            NotSupportedException legacy = Assert.Throws<NotSupportedException>(
                () => OnnxNodeRunner.Run(Backend, new OnnxNode("Add", ["x", "x"], ["y"], [OnnxAttribute.Int("broadcast", 1)]), 6, [x, x]));
            Assert.Equal("Add: broadcast = 1 is not supported: an attribute this runner does not know.", legacy.Message);

            OnnxTensor ints = OnnxTensor.FromInt64s("i", [2], [1, 2]);
            NotSupportedException type = Assert.Throws<NotSupportedException>(
                () => OnnxNodeRunner.Run(Backend, new OnnxNode("Relu", ["i"], ["y"]), 14, [ints]));
            Assert.Equal("Relu: type of input 'i' = Int64 is not supported: only float32 tensors are supported.", type.Message);

            OnnxTensor x3d = Floats("x", [1, 1, 2, 2, 2], Random(8, 17));
            NotSupportedException conv3d = Assert.Throws<NotSupportedException>(
                () => OnnxNodeRunner.Run(Backend, new OnnxNode("Conv", ["x", "x"], ["y"]), 11, [x3d, x3d]));
            Assert.StartsWith("Conv: input rank = 5 is not supported", conv3d.Message, StringComparison.Ordinal);

            NotSupportedException op = Assert.Throws<NotSupportedException>(
                () => OnnxNodeRunner.Run(Backend, new OnnxNode("LeakyRelu", ["x"], ["y"]), 16, [x]));
            Assert.Equal("LeakyRelu: operator = LeakyRelu is not supported: no kernel.", op.Message);
        }

        [Fact]
        public void Arrays_that_do_not_match_their_shape_are_rejected()
        {
            var conv = new ConvShape(1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1, 2, 2, 0, 0);
            Assert.Throws<ArgumentException>(() => Backend.Conv2D(new float[8], 1, new float[4], null, conv));
            Assert.Throws<ArgumentException>(() => Backend.Conv2D(new float[9], 1, new float[4], new float[1], conv));
            Assert.Throws<ArgumentException>(() => Backend.Add(new float[3], new float[4], BroadcastShape.Create([4], [4])));
            MatMulShape matMul = MatMulShape.Create([2, 3, 4], [4, 5]);
            Assert.Throws<ArgumentException>(() => Backend.MatMul(new float[12], new float[20], matMul));
            Assert.Equal(2 * 3 * 5, Backend.MatMul(new float[24], new float[20], matMul).Length);
        }

        private OnnxTensor RunSingle(OnnxNode node, long opset, params OnnxTensor[] inputs) =>
            Assert.Single(OnnxNodeRunner.Run(Backend, node, opset, inputs));

        private static OnnxTensor Floats(string name, int[] shape, float[] data) => OnnxTensor.FromFloats(name, shape, data);

        private static float[] Random(int count, int seed)
        {
            var random = new Random(seed);
            return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        }

        private static void AssertClose(float[] expected, float[] actual)
        {
            string? mismatch = ConformanceSuite.Compare(
                OnnxTensor.FromFloats("actual", [actual.Length], actual),
                OnnxTensor.FromFloats("expected", [expected.Length], expected));
            Assert.Null(mismatch);
        }

        private static float[] HostConv(
            float[] x, int n, int cin, int h, int w, float[] weight, int cout, int kh, int kw, float[]? bias, int groups,
            (int H, int W) stride, (int H, int W) dilation, (int Top, int Left) pad, int ho, int wo)
        {
            int perGroupIn = cin / groups, perGroupOut = cout / groups;
            var y = new float[n * cout * ho * wo];
            for (int b = 0; b < n; b++)
            {
                for (int o = 0; o < cout; o++)
                {
                    for (int r = 0; r < ho; r++)
                    {
                        for (int c = 0; c < wo; c++)
                        {
                            double acc = bias?[o] ?? 0;
                            for (int i = 0; i < perGroupIn; i++)
                            {
                                int channel = ((o / perGroupOut) * perGroupIn) + i;
                                for (int u = 0; u < kh; u++)
                                {
                                    for (int v = 0; v < kw; v++)
                                    {
                                        int ih = (r * stride.H) - pad.Top + (u * dilation.H), iw = (c * stride.W) - pad.Left + (v * dilation.W);
                                        if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                                        {
                                            acc += x[(((b * cin) + channel) * h * w) + (ih * w) + iw] * weight[(((o * perGroupIn) + i) * kh * kw) + (u * kw) + v];
                                        }
                                    }
                                }
                            }

                            y[(((b * cout) + o) * ho * wo) + (r * wo) + c] = (float)acc;
                        }
                    }
                }
            }

            return y;
        }

        private static float[] HostSoftmax(float[] x, int outer, int axis, int inner)
        {
            var y = new float[x.Length];
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < inner; i++)
                {
                    double max = Enumerable.Range(0, axis).Max(a => x[(((o * axis) + a) * inner) + i]);
                    double sum = Enumerable.Range(0, axis).Sum(a => Math.Exp(x[(((o * axis) + a) * inner) + i] - max));
                    for (int a = 0; a < axis; a++)
                    {
                        int at = (((o * axis) + a) * inner) + i;
                        y[at] = (float)(Math.Exp(x[at] - max) / sum);
                    }
                }
            }

            return y;
        }

        private static float[] HostMatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n)
        {
            var y = new float[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double acc = 0;
                    for (int t = 0; t < k; t++)
                    {
                        acc += a[(i * k) + t] * b[(t * n) + j];
                    }

                    y[(i * n) + j] = (float)acc;
                }
            }

            return y;
        }
    }
}
