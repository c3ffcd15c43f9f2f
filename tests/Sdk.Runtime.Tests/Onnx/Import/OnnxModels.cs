using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Tests.Onnx.Import
{
    /// <summary>ONNX models for the import tests, made with <see cref="OnnxModelBuilder"/>.</summary>
    public static class OnnxModels
    {
        /// <summary>The model with every initializer also listed as a graph input, as IR version 3 and older exporters write it.</summary>
        public static byte[] WithInitializersAsInputs(byte[] model)
        {
            var proto = ModelProto.Parser.ParseFrom(model);
            foreach (var tensor in proto.Graph.Initializer)
            {
                var type = new TypeProto.Types.Tensor { ElemType = tensor.DataType, Shape = new TensorShapeProto() };
                type.Shape.Dim.AddRange(tensor.Dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
                proto.Graph.Input.Add(new ValueInfoProto { Name = tensor.Name, Type = new TypeProto { TensorType = type } });
            }

            proto.IrVersion = 3;
            return proto.ToByteArray();
        }

        /// <summary>A node test's model with input 0 the network's input (its data's shape) and the others initializers holding their data.</summary>
        public static byte[] WithConstantInputs(OnnxModel model, IReadOnlyList<OnnxTensor> data)
        {
            var builder = new OnnxModelBuilder(model.GraphName, (int)model.OpsetVersion);
            builder.AddInput(model.Inputs[0].Name, data[0].Shape.Select(d => (OnnxDim)d).ToArray());
            for (var i = 1; i < model.Inputs.Count; i++)
            {
                var name = model.Inputs[i].Name;
                builder.AddInitializer(data[i].IsFloatingPoint
                    ? OnnxTensor.FromFloats(name, data[i].Shape, data[i].FloatData!)
                    : OnnxTensor.FromInt64s(name, data[i].Shape, data[i].Int64Data!));
            }

            foreach (var node in model.Nodes)
            {
                builder.AddNode(node);
            }

            foreach (var output in model.Outputs)
            {
                builder.AddOutput(output.Name, output.ElementType, output.Dims!.ToArray());
            }

            return builder.ToBytes();
        }

        /// <summary>A small graph with one node the importer refuses; returns the model and that node.</summary>
        public static (byte[] Model, OnnxNode Node) Unsupported(string graph)
        {
            var builder = new OnnxModelBuilder(graph);
            var image = graph != "GemmMatrixBias";
            builder.AddInput("x", image ? [OnnxDim.Batch, 3, 8, 8] : [OnnxDim.Batch, 4]);
            builder.AddInitializer("w", [4, 3, 3, 3], new float[4 * 3 * 3 * 3]);
            var conv = new OnnxNode("Conv", ["x", "w"], ["c"], [OnnxAttribute.Ints("pads", 1, 1, 1, 1)], name: "conv");
            OnnxNode With(OnnxNode node, params (string Name, int[] Shape, float Value)[] constants)
            {
                foreach (var (name, shape, value) in constants)
                {
                    builder.AddInitializer(name, shape, Enumerable.Repeat(value, shape.Aggregate(1, (a, d) => a * d)).ToArray());
                }

                return node;
            }

            OnnxNode bad = graph switch
            {
                "LeakyRelu" => new OnnxNode("LeakyRelu", ["c"], ["y"], name: "leaky"),
                "CustomDomain" => new OnnxNode("Relu", ["c"], ["y"], name: "custom", domain: "com.example"),
                "Clip01" => With(new OnnxNode("Clip", ["c", "lo", "hi"], ["y"], name: "clip"), ("lo", [], 0f), ("hi", [], 1f)),
                "RectangularKernel" => With(new OnnxNode("Conv", ["c", "w2"], ["y"], name: "conv2"), ("w2", [4, 4, 3, 2], 1f)),
                "AsymmetricStrides" => With(new OnnxNode("Conv", ["c", "w2"], ["y"], [OnnxAttribute.Ints("strides", 1, 2)], name: "conv2"), ("w2", [4, 4, 3, 3], 1f)),
                "ComputedWeight" => new OnnxNode("Conv", ["c", "c"], ["y"], name: "conv2"),
                "SoftmaxOverWidth" => new OnnxNode("Softmax", ["c"], ["y"], [OnnxAttribute.Int("axis", -1)], name: "softmax"),
                "ReshapeNotFlatten" => new OnnxNode("Reshape", ["c", "shape"], ["y"], name: "reshape"),
                "ConcatOverHeight" => new OnnxNode("Concat", ["c", "c"], ["y"], [OnnxAttribute.Int("axis", 2)], name: "concat"),
                "AddConstant" => With(new OnnxNode("Add", ["c", "shift"], ["y"], name: "add"), ("shift", [4, 1, 1], 1f)),
                "MatMulOfImage" => With(new OnnxNode("MatMul", ["c", "m"], ["y"], name: "matmul"), ("m", [8, 2], 1f)),
                "MaxPoolIndices" => new OnnxNode("MaxPool", ["c"], ["y", "indices"], [OnnxAttribute.Ints("kernel_shape", 2, 2)], name: "pool"),
                "DropoutMask" => new OnnxNode("Dropout", ["c"], ["y", "mask"], name: "dropout"),
                "GemmMatrixBias" => With(new OnnxNode("Gemm", ["x", "b", "bias"], ["y"], [OnnxAttribute.Int("transB", 1)], name: "gemm"), ("b", [3, 4], 1f), ("bias", [2, 3], 1f)),
                "LaterLayerReadsInput" => new OnnxNode("Concat", ["c", "x"], ["y"], [OnnxAttribute.Int("axis", 1)], name: "concat"),
                _ => throw new KeyNotFoundException(graph),
            };

            builder.AddInitializer(OnnxTensor.FromInt64s("shape", [3], [0, 4, 64]));
            var nodes = image ? new List<OnnxNode> { conv, bad } : [bad];
            if (bad.Outputs.Count > 1)
            {
                nodes.Add(new OnnxNode("Cast", [bad.Outputs[1]], ["unused"], [OnnxAttribute.Int("to", 1)], name: "cast"));
            }

            foreach (var node in nodes)
            {
                builder.AddNode(node);
            }

            builder.AddOutput("y", OnnxDim.Batch, 4);
            return (builder.ToBytes(), bad);
        }
    }
}
