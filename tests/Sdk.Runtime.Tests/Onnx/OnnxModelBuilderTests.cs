using System;
using System.IO;
using System.Linq;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Onnx
{
    public sealed class OnnxModelBuilderTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        /// <summary>y = relu(x W^T + b) with W 3x4, b 3: a Gemm with transB and a Relu.</summary>
        internal static OnnxModelBuilder GemmRelu() => new OnnxModelBuilder("gemm_relu")
            .AddInput("x", OnnxDim.Batch, 4)
            .AddInitializer("W", [3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1])
            .AddInitializer("b", [3], [0.5f, -10f, 0f])
            .AddNode("Gemm", ["x", "W", "b"], ["h"], OnnxAttribute.Int("transB", 1), OnnxAttribute.Float("alpha", 2f))
            .AddNode("Relu", ["h"], ["y"])
            .AddOutput("y", OnnxDim.Batch, 3);

        [Fact]
        public void Written_model_reads_back_with_everything_it_was_given()
        {
            string path = _temp.File("gemm_relu.onnx");
            GemmRelu().Save(path);

            OnnxModel model = OnnxModel.Read(path);

            Assert.Equal(8, model.IrVersion);
            Assert.Equal(17, model.OpsetVersion);
            Assert.Equal("Sdk.Runtime", model.ProducerName);
            Assert.Equal("gemm_relu", model.GraphName);
            Assert.Equal(["Gemm", "Relu"], model.Nodes.Select(n => n.OpType));
            Assert.Equal(["Gemm_0", "Relu_1"], model.Nodes.Select(n => n.Name));
            Assert.Equal(["x", "W", "b"], model.Nodes[0].Inputs);
            Assert.Equal(1, model.Nodes[0].GetInt("transB", 0));
            Assert.Equal(2f, model.Nodes[0].GetFloat("alpha", 1f));
            Assert.Equal(["W", "b"], model.Initializers.Select(t => t.Name));
            Assert.Equal([3, 4], model.Initializers[0].Shape);
            Assert.Equal([0.5f, -10f, 0f], model.Initializers[1].FloatData!);
            OnnxValueInfo input = Assert.Single(model.Inputs);
            Assert.Equal(OnnxElementType.Float, input.ElementType);
            Assert.Equal([OnnxDim.Symbolic("N"), OnnxDim.Fixed(4)], input.Dims!);
            Assert.Equal("y: Float[N, 3]", Assert.Single(model.Outputs).ToString());
        }

        [Fact]
        public void Every_attribute_type_survives_a_round_trip()
        {
            byte[] bytes = new OnnxModelBuilder("attrs")
                .AddInput("x", OnnxDim.Batch, 1, 4, 4)
                .AddNode(
                    "MaxPool",
                    ["x"],
                    ["y"],
                    OnnxAttribute.Ints("kernel_shape", 2, 2),
                    OnnxAttribute.String("auto_pad", "VALID"),
                    OnnxAttribute.Int("ceil_mode", 0),
                    OnnxAttribute.Float("zero", 0f),
                    OnnxAttribute.Floats("scales", 0.5f, -1f),
                    OnnxAttribute.Strings("tags", "a", "ü"),
                    OnnxAttribute.Tensor("t", OnnxTensor.FromInt64s("t", [2], [7, -7])))
                .AddOutput("y", OnnxDim.Batch, 1, 2, 2)
                .ToBytes();

            OnnxNode node = OnnxModel.Parse(bytes).Nodes[0];
            Assert.Equal([2L, 2L], node.GetInts("kernel_shape"));
            Assert.Equal("VALID", node.GetString("auto_pad", ""));
            Assert.Equal(OnnxAttributeKind.Int, node.Attributes["ceil_mode"].Kind);
            Assert.Equal(0, node.Attributes["ceil_mode"].AsInt);
            Assert.Equal(OnnxAttributeKind.Float, node.Attributes["zero"].Kind);
            Assert.Equal([0.5f, -1f], node.GetFloats("scales"));
            Assert.Equal(["a", "ü"], node.Attributes["tags"].AsStrings);
            Assert.Equal([7L, -7L], node.Attributes["t"].AsTensor.Int64Data!);
        }

        [Fact]
        public void Reading_a_value_undefined_so_far_is_an_error()
        {
            var builder = new OnnxModelBuilder("g")
                .AddInput("x", OnnxDim.Batch, 2)
                .AddNode("Relu", ["h"], ["y"])
                .AddOutput("y", OnnxDim.Batch, 2);
            var e = Assert.Throws<InvalidOperationException>(builder.ToBytes);
            Assert.Contains("reads 'h'", e.Message);
        }

        [Fact]
        public void Defining_a_name_twice_is_an_error()
        {
            var builder = new OnnxModelBuilder("g")
                .AddInput("x", 2)
                .AddInitializer("x", [2], [1f, 2f]);
            Assert.Contains("'x' (initializer) is already defined", Assert.Throws<InvalidOperationException>(builder.ToBytes).Message);
        }

        [Fact]
        public void An_output_nobody_computes_is_an_error()
        {
            var builder = new OnnxModelBuilder("g").AddInput("x", 2).AddOutput("y", 2);
            Assert.Contains("output 'y' is not defined", Assert.Throws<InvalidOperationException>(builder.ToBytes).Message);
        }

        [Fact]
        public void Omitted_optional_inputs_are_allowed()
        {
            byte[] bytes = new OnnxModelBuilder("g")
                .AddInput("x", OnnxDim.Batch, 1, 3, 3)
                .AddInitializer("W", [1, 1, 1, 1], [2f])
                .AddNode("Conv", ["x", "W", ""], ["y"])
                .AddOutput("y", OnnxDim.Batch, 1, 3, 3)
                .ToBytes();
            Assert.Equal(["x", "W", ""], OnnxModel.Parse(bytes).Nodes[0].Inputs);
        }

        [Fact]
        public void Attribute_of_the_wrong_kind_is_a_loud_error()
        {
            OnnxAttribute a = OnnxAttribute.Ints("pads", 1, 1);
            Assert.Contains("'pads' is Ints, not Int", Assert.Throws<InvalidOperationException>(() => a.AsInt).Message);
        }

        [Fact]
        public void Garbage_is_not_a_model()
        {
            string path = _temp.File("junk.onnx");
            File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF]);
            var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Read(path));
            Assert.Contains($"'{path}'", e.Message);
        }
    }
}
