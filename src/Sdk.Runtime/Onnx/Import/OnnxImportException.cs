using System;

namespace Sdk.Runtime.Onnx
{
    /// <summary>An ONNX model uses something the SDK's layers cannot express: the node, its operator and, where one is at fault, the attribute.</summary>
    public sealed class OnnxImportException : Exception
    {
        public OnnxImportException(string filePath, string node, string opType, string? attribute, string problem)
            : base($"ONNX file '{filePath}', node '{node}' ({opType}){(attribute is null ? "" : $", attribute '{attribute}'")}: {problem}")
        {
            FilePath = filePath;
            Node = node;
            OpType = opType;
            Attribute = attribute;
        }

        public string FilePath { get; }

        /// <summary>The node's name, else its first output.</summary>
        public string Node { get; }

        public string OpType { get; }

        /// <summary>The attribute (or input) at fault, or null when the operator itself is.</summary>
        public string? Attribute { get; }
    }
}
