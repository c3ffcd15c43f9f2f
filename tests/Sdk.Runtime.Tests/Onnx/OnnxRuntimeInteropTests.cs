using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// Runs models written by <see cref="OnnxModelBuilder"/> in ONNX Runtime, the reference
    /// implementation: if it loads them and computes the hand-worked results, the writer is right.
    /// </summary>
    public class OnnxRuntimeInteropTests
    {
        private static float[] Run(byte[] model, string inputName, float[] input, int[] shape)
        {
            using var session = new InferenceSession(model);
            var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape)) };
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(feed);
            return results.Single().AsTensor<float>().ToArray();
        }

        [Fact]
        public void Gemm_relu_model_computes_the_hand_worked_result()
        {
            // x rows: [1, 2, 3, 4] and [-1, -2, -3, -4].
            // h = 2 * x W^T + b, with W rows e0, e1, ones and b = [0.5, -10, 0]:
            //   row 0: [2*1 + 0.5, 2*2 - 10, 2*10] = [2.5, -6, 20]   -> relu [2.5, 0, 20]
            //   row 1: [-2 + 0.5, -4 - 10, -20]    = [-1.5, -14, -20] -> relu [0, 0, 0]
            float[] y = Run(OnnxModelBuilderTests.GemmRelu().ToBytes(), "x", [1, 2, 3, 4, -1, -2, -3, -4], [2, 4]);
            Assert.Equal([2.5f, 0f, 20f, 0f, 0f, 0f], y);
        }

        [Fact]
        public void Conv_pool_flatten_model_computes_the_hand_worked_result()
        {
            // 1x1x4x4 input 0..15; a 2x2 all-ones kernel with padding 0 and stride 1 gives 3x3 window sums;
            // a 2x2 max pool (auto_pad VALID, stride 2 from kernel_shape) keeps the top-left 2x2 windows' maximum.
            byte[] model = new OnnxModelBuilder("conv_pool")
                .AddInput("x", OnnxDim.Batch, 1, 4, 4)
                .AddInitializer("W", [1, 1, 2, 2], [1, 1, 1, 1])
                .AddInitializer("B", [1], [-0.5f])
                .AddNode("Conv", ["x", "W", "B"], ["c"], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("pads", 0, 0, 0, 0), OnnxAttribute.Ints("strides", 1, 1))
                .AddNode("MaxPool", ["c"], ["p"], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2), OnnxAttribute.String("auto_pad", "VALID"))
                .AddNode("Flatten", ["p"], ["y"], OnnxAttribute.Int("axis", 1))
                .AddOutput("y", OnnxDim.Batch, 1)
                .ToBytes();

            // Window sums (minus 0.5): rows [9.5, 13.5, 17.5], [25.5, 29.5, 33.5], [41.5, 45.5, 49.5]; the only
            // complete 2x2 pool window covers the first two rows and columns: max = 29.5.
            float[] y = Run(model, "x", Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 1, 4, 4]);
            Assert.Equal([29.5f], y);
        }

        [Fact]
        public void Batch_dimension_is_symbolic()
        {
            byte[] model = OnnxModelBuilderTests.GemmRelu().ToBytes();
            using var session = new InferenceSession(model);
            NodeMetadata input = session.InputMetadata["x"];
            Assert.Equal([-1, 4], input.Dimensions);
            Assert.Equal(["N", ""], input.SymbolicDimensions);
            Assert.Equal(5 * 3, Run(model, "x", new float[5 * 4], [5, 4]).Length);
        }
    }
}
