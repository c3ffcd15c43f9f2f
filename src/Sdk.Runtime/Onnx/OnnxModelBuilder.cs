using System;
using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Sdk.Runtime.IO;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// Builds a single-graph ONNX model (default operator set 17) and writes it as <c>.onnx</c>.
    /// Values must be defined before use: graph inputs and initializers first, then nodes in
    /// data-flow order. <see cref="ToBytes"/> checks every reference and throws on a dangling one.
    /// </summary>
    /// <example>
    /// <code>
    /// new OnnxModelBuilder("mlp")
    ///     .AddInput("x", OnnxDim.Batch, 4)
    ///     .AddInitializer("W", [3, 4], w)
    ///     .AddNode("Gemm", ["x", "W"], ["h"], OnnxAttribute.Int("transB", 1))
    ///     .AddNode("Relu", ["h"], ["y"])
    ///     .AddOutput("y", OnnxDim.Batch, 3)
    ///     .Save("mlp.onnx");
    /// </code>
    /// </example>
    public sealed class OnnxModelBuilder
    {
        /// <summary>The operator set written unless another is given.</summary>
        public const int DefaultOpsetVersion = 17;

        // IR version 8 is the one that introduced opset 17 (ONNX 1.12).
        private const long IrVersion = 8;

        private readonly string _graphName;
        private readonly int _opsetVersion;
        private readonly List<OnnxValueInfo> _inputs = [];
        private readonly List<OnnxValueInfo> _outputs = [];
        private readonly List<OnnxTensor> _initializers = [];
        private readonly List<OnnxNode> _nodes = [];

        /// <summary>Starts an empty graph named <paramref name="graphName"/>.</summary>
        public OnnxModelBuilder(string graphName, int opsetVersion = DefaultOpsetVersion)
        {
            ArgumentException.ThrowIfNullOrEmpty(graphName);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(opsetVersion);
            _graphName = graphName;
            _opsetVersion = opsetVersion;
        }

        /// <summary>Declares a float32 graph input, e.g. <c>AddInput("x", OnnxDim.Batch, 1, 28, 28)</c>.</summary>
        public OnnxModelBuilder AddInput(string name, params OnnxDim[] dims) => AddInput(name, OnnxElementType.Float, dims);

        /// <summary>Declares a graph input of any element type.</summary>
        public OnnxModelBuilder AddInput(string name, OnnxElementType elementType, params OnnxDim[] dims)
        {
            _inputs.Add(new OnnxValueInfo(name, elementType, dims));
            return this;
        }

        /// <summary>Declares a float32 graph output.</summary>
        public OnnxModelBuilder AddOutput(string name, params OnnxDim[] dims) => AddOutput(name, OnnxElementType.Float, dims);

        /// <summary>Declares a graph output of any element type.</summary>
        public OnnxModelBuilder AddOutput(string name, OnnxElementType elementType, params OnnxDim[] dims)
        {
            _outputs.Add(new OnnxValueInfo(name, elementType, dims));
            return this;
        }

        /// <summary>Adds a float32 constant (a weight) named <paramref name="name"/>.</summary>
        public OnnxModelBuilder AddInitializer(string name, int[] shape, float[] data) => AddInitializer(OnnxTensor.FromFloats(name, shape, data));

        /// <summary>Adds a constant tensor (float32 or int64).</summary>
        public OnnxModelBuilder AddInitializer(OnnxTensor tensor)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            ArgumentException.ThrowIfNullOrEmpty(tensor.Name, nameof(tensor));
            _initializers.Add(tensor);
            return this;
        }

        /// <summary>Adds a node of the default domain, named after its op type and position.</summary>
        public OnnxModelBuilder AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes) =>
            AddNode(new OnnxNode(opType, inputs, outputs, attributes, name: $"{opType}_{_nodes.Count}"));

        /// <summary>Adds a fully described node.</summary>
        public OnnxModelBuilder AddNode(OnnxNode node)
        {
            ArgumentNullException.ThrowIfNull(node);
            _nodes.Add(node);
            return this;
        }

        /// <summary>The model as <c>.onnx</c> bytes.</summary>
        /// <exception cref="InvalidOperationException">A name is defined twice or used before it is defined.</exception>
        public byte[] ToBytes() => BuildProto().ToByteArray();

        /// <summary>Writes the model to <paramref name="path"/> (through a temporary file, then renamed).</summary>
        public void Save(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            byte[] bytes = ToBytes();
            AtomicFile.Write(path, stream => stream.Write(bytes));
        }

        private ModelProto BuildProto()
        {
            CheckReferences();
            var graph = new GraphProto { Name = _graphName };
            graph.Input.AddRange(_inputs.Select(i => i.ToProto()));
            graph.Output.AddRange(_outputs.Select(o => o.ToProto()));
            graph.Initializer.AddRange(_initializers.Select(t => t.ToProto()));
            graph.Node.AddRange(_nodes.Select(n => n.ToProto()));

            var model = new ModelProto
            {
                IrVersion = IrVersion,
                ProducerName = "Sdk.Runtime",
                ProducerVersion = typeof(OnnxModelBuilder).Assembly.GetName().Version?.ToString() ?? "",
                Graph = graph,
            };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opsetVersion });
            return model;
        }

        // ONNX graphs are in single-assignment form and topologically sorted; check both here
        // rather than leave the error to whichever runtime loads the file.
        private void CheckReferences()
        {
            var defined = new HashSet<string>(StringComparer.Ordinal);
            void Define(string name, string what)
            {
                if (!defined.Add(name))
                {
                    throw new InvalidOperationException($"Graph '{_graphName}': '{name}' ({what}) is already defined.");
                }
            }

            foreach (OnnxValueInfo input in _inputs)
            {
                Define(input.Name, "graph input");
            }

            foreach (OnnxTensor initializer in _initializers)
            {
                Define(initializer.Name, "initializer");
            }

            foreach (OnnxNode node in _nodes)
            {
                foreach (string input in node.Inputs.Where(i => i.Length > 0 && !defined.Contains(i)))
                {
                    throw new InvalidOperationException(
                        $"Graph '{_graphName}': node '{node.Name}' ({node.OpType}) reads '{input}', which no input, initializer or earlier node defines.");
                }

                foreach (string output in node.Outputs.Where(o => o.Length > 0))
                {
                    Define(output, $"output of node '{node.Name}'");
                }
            }

            foreach (OnnxValueInfo output in _outputs.Where(o => !defined.Contains(o.Name)))
            {
                throw new InvalidOperationException($"Graph '{_graphName}': output '{output.Name}' is not defined by any node.");
            }
        }
    }
}
