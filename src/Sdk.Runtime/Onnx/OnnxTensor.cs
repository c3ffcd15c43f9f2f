using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// An ONNX tensor (a <c>TensorProto</c>) in memory. Floating types (float, double, float16,
    /// bfloat16) are held as float32 in <see cref="FloatData"/>; integer and bool types as int64 in
    /// <see cref="Int64Data"/>. Exactly one of the two is set.
    /// </summary>
    public sealed class OnnxTensor
    {
        private OnnxTensor(string name, OnnxElementType elementType, int[] shape, float[]? floatData, long[]? int64Data)
        {
            Name = name;
            ElementType = elementType;
            Shape = shape;
            FloatData = floatData;
            Int64Data = int64Data;
        }

        /// <summary>The tensor's name (may be empty).</summary>
        public string Name { get; }

        /// <summary>The element type as stored in the file.</summary>
        public OnnxElementType ElementType { get; }

        /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
        public int[] Shape { get; }

        /// <summary>The number of elements (1 for a scalar).</summary>
        public long ElementCount => ElementCountOf(Shape);

        /// <summary>The values of a floating-point tensor, as float32; null for integer tensors.</summary>
        public float[]? FloatData { get; }

        /// <summary>The values of an integer or bool tensor, as int64; null for floating-point tensors.</summary>
        public long[]? Int64Data { get; }

        /// <summary>True when the values are in <see cref="FloatData"/>.</summary>
        public bool IsFloatingPoint => FloatData is not null;

        /// <summary>The values as float32, converting integers.</summary>
        public float[] ToFloatArray() => FloatData ?? Int64Data!.Select(v => (float)v).ToArray();

        /// <summary>The values of an integer tensor.</summary>
        /// <exception cref="InvalidOperationException">The tensor holds floating-point values.</exception>
        public long[] ToInt64Array() =>
            Int64Data ?? throw new InvalidOperationException($"Tensor '{Name}' is {ElementType}, not an integer type.");

        /// <summary>A float32 tensor.</summary>
        public static OnnxTensor FromFloats(string name, int[] shape, float[] data)
        {
            CheckArguments(name, shape, data.Length);
            return new OnnxTensor(name, OnnxElementType.Float, (int[])shape.Clone(), data, null);
        }

        /// <summary>An int64 tensor (shapes, axes, indices).</summary>
        public static OnnxTensor FromInt64s(string name, int[] shape, long[] data)
        {
            CheckArguments(name, shape, data.Length);
            return new OnnxTensor(name, OnnxElementType.Int64, (int[])shape.Clone(), null, data);
        }

        /// <summary>Reads a serialized <c>TensorProto</c> (a <c>.pb</c> file of the ONNX test suites).</summary>
        /// <exception cref="OnnxFormatException">The file is not a valid tensor or uses an unsupported type.</exception>
        public static OnnxTensor Read(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            return Parse(File.ReadAllBytes(path), path);
        }

        /// <summary>Parses a serialized <c>TensorProto</c>; <paramref name="source"/> names it in errors.</summary>
        public static OnnxTensor Parse(byte[] bytes, string source = "<memory>")
        {
            ArgumentNullException.ThrowIfNull(bytes);
            TensorProto proto;
            try
            {
                proto = TensorProto.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new OnnxFormatException(source, $"not a valid TensorProto ({e.Message}).", e);
            }

            return FromProto(proto, source);
        }

        internal static OnnxTensor FromProto(TensorProto proto, string source)
        {
            int[] shape = proto.Dims.Select(d => d is >= 0 and <= int.MaxValue
                ? (int)d
                : throw new OnnxFormatException(source, $"tensor '{proto.Name}' has invalid dimension {d}.")).ToArray();
            long count;
            try
            {
                count = ElementCountOf(shape);
            }
            catch (OverflowException)
            {
                throw new OnnxFormatException(source, $"tensor '{proto.Name}' shape [{string.Join(", ", shape)}] is too large.");
            }

            if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            {
                throw new OnnxFormatException(source, $"tensor '{proto.Name}' keeps its data in an external file, which is not supported.");
            }

            var type = (OnnxElementType)proto.DataType;
            var decoder = new OnnxTensorDecoder(proto, source, (int)Math.Min(count, int.MaxValue));
            if (count > Array.MaxLength)
            {
                throw new OnnxFormatException(source, $"tensor '{proto.Name}' has more elements than an array can hold.");
            }

            return OnnxTensorDecoder.IsFloatingPoint(type)
                ? new OnnxTensor(proto.Name, type, shape, decoder.DecodeFloats(type), null)
                : new OnnxTensor(proto.Name, type, shape, null, decoder.DecodeIntegers(type));
        }

        internal TensorProto ToProto()
        {
            var proto = new TensorProto { Name = Name, DataType = (int)ElementType };
            proto.Dims.AddRange(Shape.Select(d => (long)d));
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this writer assumes a little-endian machine.");
            }

            // raw_data, little-endian, as onnx.numpy_helper writes initializers.
            ReadOnlySpan<byte> raw = ElementType switch
            {
                OnnxElementType.Float => MemoryMarshal.AsBytes(FloatData.AsSpan()),
                OnnxElementType.Int64 => MemoryMarshal.AsBytes(Int64Data.AsSpan()),
                _ => throw new NotSupportedException($"Writing {ElementType} tensors is not supported; use Float or Int64."),
            };
            proto.RawData = ByteString.CopyFrom(raw);
            return proto;
        }

        internal static long ElementCountOf(int[] shape)
        {
            long count = 1;
            foreach (int d in shape)
            {
                count = checked(count * d);
            }

            return count;
        }

        private static void CheckArguments(string name, int[] shape, int length)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(shape);
            if (shape.Any(d => d < 0) || ElementCountOf(shape) != length)
            {
                throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] does not hold {length} values.");
            }
        }

        /// <inheritdoc />
        public override string ToString() => $"{Name} {ElementType}[{string.Join(", ", Shape)}]";
    }
}
