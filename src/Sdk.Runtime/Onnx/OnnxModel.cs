using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// The parts of an ONNX model (<c>.onnx</c>, a serialized <c>ModelProto</c>) that the runtime
    /// uses: the graph's nodes, initializers, inputs and outputs, and the operator set versions.
    /// </summary>
    public sealed class OnnxModel
    {
        private OnnxModel(
            long irVersion,
            IReadOnlyDictionary<string, long> opsets,
            string producerName,
            string graphName,
            IReadOnlyList<OnnxNode> nodes,
            IReadOnlyList<OnnxTensor> initializers,
            IReadOnlyList<OnnxValueInfo> inputs,
            IReadOnlyList<OnnxValueInfo> outputs)
        {
            IrVersion = irVersion;
            Opsets = opsets;
            ProducerName = producerName;
            GraphName = graphName;
            Nodes = nodes;
            Initializers = initializers;
            Inputs = inputs;
            Outputs = outputs;
        }

        /// <summary>The ONNX IR (file format) version.</summary>
        public long IrVersion { get; }

        /// <summary>Imported operator set version per domain ("" is the default ONNX domain).</summary>
        public IReadOnlyDictionary<string, long> Opsets { get; }

        /// <summary>The version of the default ONNX operator set, or 0 when not imported.</summary>
        public long OpsetVersion => Opsets.TryGetValue("", out long v) || Opsets.TryGetValue("ai.onnx", out v) ? v : 0;

        /// <summary>The tool that wrote the model.</summary>
        public string ProducerName { get; }

        /// <summary>The graph's name.</summary>
        public string GraphName { get; }

        /// <summary>The nodes in topological order.</summary>
        public IReadOnlyList<OnnxNode> Nodes { get; }

        /// <summary>Constant tensors (weights).</summary>
        public IReadOnlyList<OnnxTensor> Initializers { get; }

        /// <summary>Graph inputs (in old IR versions this may include initializers).</summary>
        public IReadOnlyList<OnnxValueInfo> Inputs { get; }

        /// <summary>Graph outputs.</summary>
        public IReadOnlyList<OnnxValueInfo> Outputs { get; }

        /// <summary>Reads a <c>.onnx</c> file.</summary>
        /// <exception cref="OnnxFormatException">The file is not a valid model or holds unsupported tensors.</exception>
        public static OnnxModel Read(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            return Parse(File.ReadAllBytes(path), path);
        }

        /// <summary>Parses a serialized <c>ModelProto</c>; <paramref name="source"/> names it in errors.</summary>
        public static OnnxModel Parse(byte[] bytes, string source = "<memory>")
        {
            ArgumentNullException.ThrowIfNull(bytes);
            ModelProto proto;
            try
            {
                proto = ModelProto.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new OnnxFormatException(source, $"not a valid ModelProto ({e.Message}).", e);
            }

            if (proto.Graph is null)
            {
                throw new OnnxFormatException(source, "the model has no graph.");
            }

            var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (OperatorSetIdProto opset in proto.OpsetImport)
            {
                opsets[opset.Domain] = opset.Version;
            }

            GraphProto graph = proto.Graph;
            return new OnnxModel(
                proto.IrVersion,
                opsets,
                proto.ProducerName,
                graph.Name,
                graph.Node.Select(n => OnnxNode.FromProto(n, source)).ToArray(),
                graph.Initializer.Select(t => OnnxTensor.FromProto(t, source)).ToArray(),
                graph.Input.Select(OnnxValueInfo.FromProto).ToArray(),
                graph.Output.Select(OnnxValueInfo.FromProto).ToArray());
        }
    }
}
