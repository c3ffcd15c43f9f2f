using System;
using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// A node attribute: a name, a <see cref="Kind"/>, and a value read through the matching
    /// <c>As...</c> property (which throws when the kind differs, so a mistyped read is loud).
    /// Create attributes for <see cref="OnnxModelBuilder"/> with the static factories.
    /// </summary>
    public sealed class OnnxAttribute
    {
        private readonly object? _value;

        private OnnxAttribute(string name, OnnxAttributeKind kind, object? value)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            Name = name;
            Kind = kind;
            _value = value;
        }

        /// <summary>The attribute's name, e.g. <c>kernel_shape</c>.</summary>
        public string Name { get; }

        /// <summary>The type of the value.</summary>
        public OnnxAttributeKind Kind { get; }

        /// <summary>The value of a <see cref="OnnxAttributeKind.Float"/> attribute.</summary>
        public float AsFloat => Get<float>(OnnxAttributeKind.Float);

        /// <summary>The value of an <see cref="OnnxAttributeKind.Int"/> attribute.</summary>
        public long AsInt => Get<long>(OnnxAttributeKind.Int);

        /// <summary>The value of a <see cref="OnnxAttributeKind.String"/> attribute (UTF-8 decoded).</summary>
        public string AsString => Get<string>(OnnxAttributeKind.String);

        /// <summary>The value of a <see cref="OnnxAttributeKind.Tensor"/> attribute.</summary>
        public OnnxTensor AsTensor => Get<OnnxTensor>(OnnxAttributeKind.Tensor);

        /// <summary>The value of a <see cref="OnnxAttributeKind.Floats"/> attribute.</summary>
        public IReadOnlyList<float> AsFloats => Get<float[]>(OnnxAttributeKind.Floats);

        /// <summary>The value of an <see cref="OnnxAttributeKind.Ints"/> attribute.</summary>
        public IReadOnlyList<long> AsInts => Get<long[]>(OnnxAttributeKind.Ints);

        /// <summary>The value of a <see cref="OnnxAttributeKind.Strings"/> attribute.</summary>
        public IReadOnlyList<string> AsStrings => Get<string[]>(OnnxAttributeKind.Strings);

        /// <summary>A float attribute (e.g. <c>alpha</c>, <c>epsilon</c>).</summary>
        public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float, value);

        /// <summary>An integer attribute (e.g. <c>axis</c>, <c>transB</c>).</summary>
        public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int, value);

        /// <summary>A string attribute (e.g. <c>auto_pad</c>).</summary>
        public static OnnxAttribute String(string name, string value) =>
            new(name, OnnxAttributeKind.String, value ?? throw new ArgumentNullException(nameof(value)));

        /// <summary>A tensor attribute (e.g. Constant's <c>value</c>).</summary>
        public static OnnxAttribute Tensor(string name, OnnxTensor value) =>
            new(name, OnnxAttributeKind.Tensor, value ?? throw new ArgumentNullException(nameof(value)));

        /// <summary>A list of floats.</summary>
        public static OnnxAttribute Floats(string name, params float[] values) => new(name, OnnxAttributeKind.Floats, values.ToArray());

        /// <summary>A list of integers (e.g. <c>kernel_shape</c>, <c>pads</c>, <c>strides</c>).</summary>
        public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeKind.Ints, values.ToArray());

        /// <summary>A list of strings.</summary>
        public static OnnxAttribute Strings(string name, params string[] values) => new(name, OnnxAttributeKind.Strings, values.ToArray());

        internal static OnnxAttribute FromProto(AttributeProto proto, string source)
        {
            OnnxAttributeKind kind = proto.Type == AttributeProto.Types.AttributeType.Undefined ? InferKind(proto) : (OnnxAttributeKind)proto.Type;
            object? value = kind switch
            {
                OnnxAttributeKind.Float => proto.F,
                OnnxAttributeKind.Int => proto.I,
                OnnxAttributeKind.String => proto.S.ToStringUtf8(),
                OnnxAttributeKind.Tensor => OnnxTensor.FromProto(proto.T, source),
                OnnxAttributeKind.Floats => proto.Floats.ToArray(),
                OnnxAttributeKind.Ints => proto.Ints.ToArray(),
                OnnxAttributeKind.Strings => proto.Strings.Select(s => s.ToStringUtf8()).ToArray(),
                // Subgraphs and the rest are kept by kind only: no operator we run needs them.
                _ => null,
            };
            return new OnnxAttribute(proto.Name, kind, value);
        }

        // Models from old exporters leave out `type`; the field that is set tells it, as ONNX Runtime infers it.
        private static OnnxAttributeKind InferKind(AttributeProto proto) =>
            proto.HasF ? OnnxAttributeKind.Float
            : proto.HasI ? OnnxAttributeKind.Int
            : proto.HasS ? OnnxAttributeKind.String
            : proto.T is not null ? OnnxAttributeKind.Tensor
            : proto.G is not null ? OnnxAttributeKind.Graph
            : proto.Floats.Count > 0 ? OnnxAttributeKind.Floats
            : proto.Ints.Count > 0 ? OnnxAttributeKind.Ints
            : proto.Strings.Count > 0 ? OnnxAttributeKind.Strings
            : OnnxAttributeKind.Undefined;

        internal AttributeProto ToProto()
        {
            var proto = new AttributeProto { Name = Name, Type = (AttributeProto.Types.AttributeType)Kind };
            switch (Kind)
            {
                case OnnxAttributeKind.Float: proto.F = AsFloat; break;
                case OnnxAttributeKind.Int: proto.I = AsInt; break;
                case OnnxAttributeKind.String: proto.S = ByteString.CopyFromUtf8(AsString); break;
                case OnnxAttributeKind.Tensor: proto.T = AsTensor.ToProto(); break;
                case OnnxAttributeKind.Floats: proto.Floats.AddRange(AsFloats); break;
                case OnnxAttributeKind.Ints: proto.Ints.AddRange(AsInts); break;
                case OnnxAttributeKind.Strings: proto.Strings.AddRange(AsStrings.Select(ByteString.CopyFromUtf8)); break;
                default: throw new NotSupportedException($"Writing {Kind} attributes is not supported.");
            }

            return proto;
        }

        private T Get<T>(OnnxAttributeKind expected)
        {
            if (Kind != expected || _value is not T value)
            {
                throw new InvalidOperationException($"Attribute '{Name}' is {Kind}, not {expected}.");
            }

            return value;
        }

        /// <inheritdoc />
        public override string ToString() => Kind switch
        {
            OnnxAttributeKind.Floats => $"{Name}=[{string.Join(", ", AsFloats)}]",
            OnnxAttributeKind.Ints => $"{Name}=[{string.Join(", ", AsInts)}]",
            OnnxAttributeKind.Strings => $"{Name}=[{string.Join(", ", AsStrings)}]",
            _ => $"{Name}={_value ?? Kind}",
        };
    }
}
