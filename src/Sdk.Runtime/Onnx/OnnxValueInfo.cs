using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>A declared graph input or output: a name, and for tensors an element type and (optional) shape.</summary>
    public sealed class OnnxValueInfo
    {
        /// <summary>Declares a tensor value; <paramref name="dims"/> null means the shape is not declared.</summary>
        public OnnxValueInfo(string name, OnnxElementType elementType, IReadOnlyList<OnnxDim>? dims)
            : this(name, isTensor: true, elementType, dims)
        {
        }

        private OnnxValueInfo(string name, bool isTensor, OnnxElementType elementType, IReadOnlyList<OnnxDim>? dims)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            Name = name;
            IsTensor = isTensor;
            ElementType = elementType;
            Dims = dims?.ToArray();
        }

        /// <summary>The value's name.</summary>
        public string Name { get; }

        /// <summary>False for sequences, maps and other non-tensor types, which this reader does not describe.</summary>
        public bool IsTensor { get; }

        /// <summary>The tensor's element type.</summary>
        public OnnxElementType ElementType { get; }

        /// <summary>The declared dimensions, or null when no shape is declared.</summary>
        public IReadOnlyList<OnnxDim>? Dims { get; }

        internal static OnnxValueInfo FromProto(ValueInfoProto proto)
        {
            if (proto.Type?.ValueCase != TypeProto.ValueOneofCase.TensorType)
            {
                return new OnnxValueInfo(proto.Name, isTensor: false, OnnxElementType.Undefined, null);
            }

            TypeProto.Types.Tensor tensor = proto.Type.TensorType;
            OnnxDim[]? dims = tensor.Shape?.Dim.Select(d => d.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => OnnxDim.Fixed(d.DimValue),
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when d.DimParam.Length > 0 => OnnxDim.Symbolic(d.DimParam),
                _ => OnnxDim.Unknown,
            }).ToArray();
            return new OnnxValueInfo(proto.Name, isTensor: true, (OnnxElementType)tensor.ElemType, dims);
        }

        internal ValueInfoProto ToProto()
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = (int)ElementType };
            if (Dims is not null)
            {
                tensor.Shape = new TensorShapeProto();
                foreach (OnnxDim dim in Dims)
                {
                    var d = new TensorShapeProto.Types.Dimension();
                    if (dim.Value is long value)
                    {
                        d.DimValue = value;
                    }
                    else if (dim.Symbol is string symbol)
                    {
                        d.DimParam = symbol;
                    }

                    tensor.Shape.Dim.Add(d);
                }
            }

            return new ValueInfoProto { Name = Name, Type = new TypeProto { TensorType = tensor } };
        }

        /// <inheritdoc />
        public override string ToString() =>
            IsTensor ? $"{Name}: {ElementType}[{(Dims is null ? "?" : string.Join(", ", Dims))}]" : $"{Name}: (not a tensor)";
    }
}
