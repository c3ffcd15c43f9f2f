using System;
using System.IO;
using Google.Protobuf;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// Data/golden_gemm_relu.onnx was written by the official onnx Python package
    /// (Data/make_golden_onnx.py); the builder must produce the same bytes.
    /// </summary>
    public class OnnxGoldenModelTests
    {
        private static readonly string GoldenPath = Path.Combine(AppContext.BaseDirectory, "Data", "golden_gemm_relu.onnx");

        [Fact]
        public void Builder_writes_the_same_bytes_as_the_onnx_python_helper()
        {
            ModelProto ours = ModelProto.Parser.ParseFrom(OnnxModelBuilderTests.GemmRelu().ToBytes());
            Assert.NotEmpty(ours.ProducerVersion);
            ours.ProducerVersion = "";  // our assembly version; the golden file has none
            Assert.Equal(File.ReadAllBytes(GoldenPath), ours.ToByteArray());
        }

        [Fact]
        public void Golden_model_reads_back()
        {
            OnnxModel model = OnnxModel.Read(GoldenPath);
            Assert.Equal(["Gemm", "Relu"], new[] { model.Nodes[0].OpType, model.Nodes[1].OpType });
            Assert.Equal(2f, model.Nodes[0].GetFloat("alpha", 1f));
            Assert.Equal([1f, 0f, 0f, 0f], model.Initializers[0].FloatData![..4]);
        }
    }
}
