using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>Reads real tests of the ONNX backend suite (Debian libonnx-testdata 1.12); skipped when absent.</summary>
    public class OnnxNodeTestSuiteTests
    {
        private static OnnxNodeTest LoadTest(string name) => OnnxNodeTest.Load(Path.Combine(OnnxNodeTests.ResolveRoot(), name));

        [OnnxNodeTestsFact]
        public void Conv_with_strides_padding()
        {
            OnnxNodeTest test = LoadTest("test_conv_with_strides_padding");

            Assert.Equal("test_conv_with_strides_padding", test.Name);
            Assert.Equal("Conv", test.Node.OpType);
            Assert.Equal(11, test.OpsetVersion);
            Assert.Equal(["x", "W"], test.Node.Inputs);
            Assert.Equal(["y"], test.Node.Outputs);
            Assert.Equal([3L, 3L], test.Node.GetInts("kernel_shape"));
            Assert.Equal([1L, 1L, 1L, 1L], test.Node.GetInts("pads"));
            Assert.Equal([2L, 2L], test.Node.GetInts("strides"));
            Assert.Equal(OnnxAttributeKind.Ints, test.Node.Attributes["strides"].Kind);
            Assert.Null(test.Node.GetInts("dilations"));
            Assert.Equal(1, test.Node.GetInt("group", 1));

            OnnxTestDataSet data = Assert.Single(test.DataSets);
            Assert.Equal("test_data_set_0", data.Name);
            Assert.Equal([1, 1, 7, 5], data.Inputs[0].Shape);
            Assert.Equal([1, 1, 3, 3], data.Inputs[1].Shape);
            Assert.Equal([1, 1, 4, 3], data.Outputs[0].Shape);
            Assert.Equal(Enumerable.Range(0, 35).Select(i => (float)i), data.Inputs[0].FloatData!);
            Assert.All(data.Inputs[1].FloatData!, w => Assert.Equal(1f, w));

            // A direct 3x3 convolution (stride 2, padding 1) of the loaded input reproduces the loaded output.
            float[] x = data.Inputs[0].FloatData!;
            float[] y = data.Outputs[0].FloatData!;
            Assert.Equal([12f, 27f, 24f, 63f], y.Take(4));
            for (int oh = 0; oh < 4; oh++)
            {
                for (int ow = 0; ow < 3; ow++)
                {
                    float sum = 0;
                    for (int kh = 0; kh < 3; kh++)
                    {
                        for (int kw = 0; kw < 3; kw++)
                        {
                            int ih = (oh * 2) - 1 + kh, iw = (ow * 2) - 1 + kw;
                            sum += ih is >= 0 and < 7 && iw is >= 0 and < 5 ? x[(ih * 5) + iw] : 0;
                        }
                    }

                    Assert.Equal(sum, y[(oh * 3) + ow]);
                }
            }
        }

        [OnnxNodeTestsFact]
        public void Relu()
        {
            OnnxNodeTest test = LoadTest("test_relu");
            Assert.Equal("Relu", test.Node.OpType);
            Assert.Empty(test.Node.Attributes);
            OnnxTestDataSet data = test.DataSets[0];
            Assert.Equal([3, 4, 5], data.Inputs[0].Shape);
            Assert.Equal(data.Inputs[0].FloatData!.Select(v => MathF.Max(v, 0)), data.Outputs[0].FloatData!);
            Assert.Contains(data.Inputs[0].FloatData!, v => v < 0);
        }

        [OnnxNodeTestsFact]
        public void Gemm_default_no_bias()
        {
            OnnxNodeTest test = LoadTest("test_gemm_default_no_bias");
            Assert.Equal("Gemm", test.Node.OpType);
            Assert.Equal(["a", "b"], test.InputNames);
            OnnxTestDataSet data = test.DataSets[0];
            Assert.Equal([2, 10], data.Inputs[0].Shape);
            Assert.Equal([10, 3], data.Inputs[1].Shape);
            Assert.Equal([2, 3], data.Outputs[0].Shape);
            AssertClose(MatMul(data.Inputs[0].FloatData!, data.Inputs[1].FloatData!, 2, 10, 3), data.Outputs[0].FloatData!);
        }

        [OnnxNodeTestsFact]
        public void Gemm_all_attributes()
        {
            OnnxNodeTest test = LoadTest("test_gemm_all_attributes");
            OnnxNode node = test.Node;
            Assert.Equal(0.25f, node.GetFloat("alpha", 1f));
            Assert.Equal(0.35f, node.GetFloat("beta", 1f));
            Assert.Equal(1, node.GetInt("transA", 0));
            Assert.Equal(1, node.GetInt("transB", 0));
            Assert.Equal(OnnxAttributeKind.Float, node.Attributes["alpha"].Kind);
            Assert.Throws<InvalidOperationException>(() => node.Attributes["alpha"].AsInt);

            OnnxTestDataSet data = test.DataSets[0];
            Assert.Equal([4, 3], data.Inputs[0].Shape);  // A is K x M (transposed)
            Assert.Equal([5, 4], data.Inputs[1].Shape);  // B is N x K (transposed)
            Assert.Equal([1, 5], data.Inputs[2].Shape);
            float[] a = Transpose(data.Inputs[0].FloatData!, 4, 3), b = Transpose(data.Inputs[1].FloatData!, 5, 4), c = data.Inputs[2].FloatData!;
            float[] expected = MatMul(a, b, 3, 4, 5).Select((v, i) => (0.25f * v) + (0.35f * c[i % 5])).ToArray();
            AssertClose(expected, data.Outputs[0].FloatData!);
        }

        [OnnxNodeTestsFact]
        public void Averagepool_with_a_string_attribute()
        {
            OnnxNodeTest test = LoadTest("test_averagepool_2d_same_upper");
            Assert.Equal("AveragePool", test.Node.OpType);
            Assert.Equal("SAME_UPPER", test.Node.GetString("auto_pad", "NOTSET"));
            Assert.Equal(OnnxAttributeKind.String, test.Node.Attributes["auto_pad"].Kind);
            Assert.Equal([2L, 2L], test.Node.GetInts("kernel_shape"));
            Assert.Equal([1, 3, 32, 32], test.DataSets[0].Outputs[0].Shape);
        }

        [OnnxNodeTestsFact]
        public void Batchnorm_with_five_inputs_and_a_float_attribute()
        {
            OnnxNodeTest test = LoadTest("test_batchnorm_epsilon");
            Assert.Equal("BatchNormalization", test.Node.OpType);
            Assert.Equal(0.01f, test.Node.GetFloat("epsilon", 1e-5f));
            Assert.Equal(["x", "s", "bias", "mean", "var"], test.Node.Inputs);
            Assert.Equal([[2, 3, 4, 5], [3], [3], [3], [3]], test.DataSets[0].Inputs.Select(t => t.Shape));
        }

        [OnnxNodeTestsFact]
        public void Maxpool_with_argmax_has_an_int64_output()
        {
            OnnxNodeTest test = LoadTest("test_maxpool_with_argmax_2d_precomputed_pads");
            Assert.Equal(["y", "z"], test.OutputNames);
            OnnxTensor indices = test.DataSets[0].Outputs[1];
            Assert.Equal(OnnxElementType.Int64, indices.ElementType);
            Assert.Equal([1, 1, 5, 5], indices.Shape);
            Assert.All(indices.Int64Data!, i => Assert.InRange(i, 0, 24));
        }

        [OnnxNodeTestsFact]
        public void Finds_each_operators_tests_by_prefix()
        {
            Assert.Equal(
                ["test_conv_with_autopad_same", "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_strides_no_padding", "test_conv_with_strides_padding"],
                OnnxNodeTests.Find("test_conv").Select(Path.GetFileName));
            var expectedCounts = new Dictionary<string, int>
            {
                ["conv"] = 4, ["convtranspose"] = 10, ["gemm"] = 11, ["matmul"] = 3, ["relu"] = 1, ["sigmoid"] = 2, ["tanh"] = 2,
                ["maxpool"] = 15, ["averagepool"] = 13, ["globalaveragepool"] = 2, ["batchnorm"] = 4, ["softmax"] = 7,
                ["add"] = 3, ["concat"] = 12, ["flatten"] = 9,
            };
            Assert.Equal(expectedCounts, expectedCounts.ToDictionary(kv => kv.Key, kv => OnnxNodeTests.Find(kv.Key).Count));
        }

        [OnnxNodeTestsFact]
        public void Every_test_of_the_layer_operators_loads_with_matching_shapes()
        {
            var opTypes = new Dictionary<string, string>
            {
                ["conv"] = "Conv", ["gemm"] = "Gemm", ["matmul"] = "MatMul", ["relu"] = "Relu", ["sigmoid"] = "Sigmoid", ["tanh"] = "Tanh",
                ["maxpool"] = "MaxPool", ["averagepool"] = "AveragePool", ["globalaveragepool"] = "GlobalAveragePool",
                ["batchnorm"] = "BatchNormalization", ["softmax"] = "Softmax", ["add"] = "Add", ["concat"] = "Concat", ["flatten"] = "Flatten",
            };
            int loaded = 0;
            foreach ((string prefix, string opType) in opTypes)
            {
                foreach (string directory in OnnxNodeTests.Find(prefix))
                {
                    OnnxNodeTest test = OnnxNodeTest.Load(directory);
                    Assert.Equal(opType, test.Node.OpType);
                    foreach (OnnxTestDataSet data in test.DataSets)
                    {
                        AssertMatchesDeclaration(test.Model.Inputs, data.Inputs, directory);
                        AssertMatchesDeclaration(test.Model.Outputs, data.Outputs, directory);
                    }

                    loaded++;
                }
            }

            Assert.Equal(4 + 11 + 3 + 1 + 2 + 2 + 15 + 13 + 2 + 4 + 7 + 3 + 12 + 9, loaded);
        }

        private static void AssertMatchesDeclaration(IReadOnlyList<OnnxValueInfo> declared, IReadOnlyList<OnnxTensor> tensors, string directory)
        {
            for (int i = 0; i < declared.Count; i++)
            {
                Assert.True(declared[i].ElementType == tensors[i].ElementType, $"{directory}: {declared[i]} vs {tensors[i]}");
                Assert.True(
                    declared[i].Dims!.Select(d => d.Value ?? -1).SequenceEqual(tensors[i].Shape.Select(d => (long)d)),
                    $"{directory}: {declared[i]} vs {tensors[i]}");
            }
        }

        private static float[] MatMul(float[] a, float[] b, int m, int k, int n)
        {
            var c = new float[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        sum += a[(i * k) + p] * (double)b[(p * n) + j];
                    }

                    c[(i * n) + j] = (float)sum;
                }
            }

            return c;
        }

        private static float[] Transpose(float[] a, int rows, int cols)
        {
            var t = new float[a.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    t[(c * rows) + r] = a[(r * cols) + c];
                }
            }

            return t;
        }

        private static void AssertClose(float[] expected, float[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + MathF.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
            }
        }
    }
}
