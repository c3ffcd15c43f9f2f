using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>One operator application in a graph: op type, named inputs and outputs, attributes.</summary>
    public sealed class OnnxNode
    {
        /// <summary>Creates a node; an empty input name marks an omitted optional input.</summary>
        public OnnxNode(
            string opType,
            IReadOnlyList<string> inputs,
            IReadOnlyList<string> outputs,
            IEnumerable<OnnxAttribute>? attributes = null,
            string name = "",
            string domain = "")
        {
            ArgumentException.ThrowIfNullOrEmpty(opType);
            ArgumentNullException.ThrowIfNull(inputs);
            ArgumentNullException.ThrowIfNull(outputs);
            OpType = opType;
            Inputs = inputs.ToArray();
            Outputs = outputs.ToArray();
            Name = name ?? "";
            Domain = domain ?? "";
            var byName = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
            foreach (OnnxAttribute attribute in attributes ?? [])
            {
                if (!byName.TryAdd(attribute.Name, attribute))
                {
                    throw new ArgumentException($"Node '{Name}' ({OpType}) has attribute '{attribute.Name}' twice.", nameof(attributes));
                }
            }

            Attributes = byName;
        }

        /// <summary>The operator, e.g. <c>Conv</c>.</summary>
        public string OpType { get; }

        /// <summary>The operator set domain; empty for the default ONNX domain.</summary>
        public string Domain { get; }

        /// <summary>The node's name (may be empty).</summary>
        public string Name { get; }

        /// <summary>Input value names in operator order; empty strings are omitted optional inputs.</summary>
        public IReadOnlyList<string> Inputs { get; }

        /// <summary>Output value names in operator order.</summary>
        public IReadOnlyList<string> Outputs { get; }

        /// <summary>Attributes by name.</summary>
        public IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; }

        /// <summary>An int attribute, or <paramref name="defaultValue"/> when absent.</summary>
        public long GetInt(string name, long defaultValue) => Attributes.TryGetValue(name, out OnnxAttribute? a) ? a.AsInt : defaultValue;

        /// <summary>A float attribute, or <paramref name="defaultValue"/> when absent.</summary>
        public float GetFloat(string name, float defaultValue) => Attributes.TryGetValue(name, out OnnxAttribute? a) ? a.AsFloat : defaultValue;

        /// <summary>A string attribute, or <paramref name="defaultValue"/> when absent.</summary>
        public string GetString(string name, string defaultValue) => Attributes.TryGetValue(name, out OnnxAttribute? a) ? a.AsString : defaultValue;

        /// <summary>An ints attribute, or null when absent.</summary>
        public IReadOnlyList<long>? GetInts(string name) => Attributes.TryGetValue(name, out OnnxAttribute? a) ? a.AsInts : null;

        /// <summary>A floats attribute, or null when absent.</summary>
        public IReadOnlyList<float>? GetFloats(string name) => Attributes.TryGetValue(name, out OnnxAttribute? a) ? a.AsFloats : null;

        internal static OnnxNode FromProto(NodeProto proto, string source) => new(
            proto.OpType,
            proto.Input,
            proto.Output,
            proto.Attribute.Select(a => OnnxAttribute.FromProto(a, source)),
            proto.Name,
            proto.Domain);

        internal NodeProto ToProto()
        {
            var proto = new NodeProto { OpType = OpType, Name = Name, Domain = Domain };
            proto.Input.AddRange(Inputs);
            proto.Output.AddRange(Outputs);
            // Sorted by name, as onnx.helper.make_node writes them, so equal nodes give equal bytes.
            proto.Attribute.AddRange(Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => a.ToProto()));
            return proto;
        }

        /// <inheritdoc />
        public override string ToString() =>
            $"{OpType}({string.Join(", ", Inputs)}) -> ({string.Join(", ", Outputs)}) {string.Join(" ", Attributes.Values)}";
    }
}
