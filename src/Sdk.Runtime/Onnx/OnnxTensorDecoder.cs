using System;
using System.Buffers.Binary;
using Google.Protobuf.Collections;
using Sdk.Runtime.Numerics;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// Turns a TensorProto's values into arrays. ONNX stores them either packed little-endian in
    /// raw_data or in the typed field the schema assigns to each element type (float_data,
    /// int32_data for every narrow type including float16, int64_data, double_data, uint64_data).
    /// </summary>
    internal readonly struct OnnxTensorDecoder
    {
        private readonly TensorProto _proto;
        private readonly string _source;
        private readonly int _count;

        public OnnxTensorDecoder(TensorProto proto, string source, int count)
        {
            _proto = proto;
            _source = source;
            _count = count;
        }

        public static bool IsFloatingPoint(OnnxElementType type) =>
            type is OnnxElementType.Float or OnnxElementType.Double or OnnxElementType.Float16 or OnnxElementType.BFloat16;

        public float[] DecodeFloats(OnnxElementType type)
        {
            var values = new float[_count];
            switch (type)
            {
                case OnnxElementType.Float:
                    Decode(values, 4, static b => BinaryPrimitives.ReadSingleLittleEndian(b), _proto.FloatData, static v => v);
                    break;
                case OnnxElementType.Double:
                    Decode(values, 8, static b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b), _proto.DoubleData, static v => (float)v);
                    break;
                case OnnxElementType.Float16:
                    Decode(values, 2, static b => HalfFloats.FromFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(b)), _proto.Int32Data, static v => HalfFloats.FromFloat16Bits((ushort)v));
                    break;
                case OnnxElementType.BFloat16:
                    Decode(values, 2, static b => HalfFloats.FromBFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(b)), _proto.Int32Data, static v => HalfFloats.FromBFloat16Bits((ushort)v));
                    break;
                default:
                    throw Unsupported(type);
            }

            return values;
        }

        public long[] DecodeIntegers(OnnxElementType type)
        {
            var values = new long[_count];
            switch (type)
            {
                case OnnxElementType.Int64:
                    Decode(values, 8, static b => BinaryPrimitives.ReadInt64LittleEndian(b), _proto.Int64Data, static v => v);
                    break;
                case OnnxElementType.Int32:
                    Decode(values, 4, static b => BinaryPrimitives.ReadInt32LittleEndian(b), _proto.Int32Data, static v => v);
                    break;
                case OnnxElementType.Int16:
                    Decode(values, 2, static b => BinaryPrimitives.ReadInt16LittleEndian(b), _proto.Int32Data, static v => v);
                    break;
                case OnnxElementType.UInt16:
                    Decode(values, 2, static b => BinaryPrimitives.ReadUInt16LittleEndian(b), _proto.Int32Data, static v => v);
                    break;
                case OnnxElementType.Int8:
                    Decode(values, 1, static b => (sbyte)b[0], _proto.Int32Data, static v => v);
                    break;
                case OnnxElementType.UInt8:
                case OnnxElementType.Bool:
                    Decode(values, 1, static b => b[0], _proto.Int32Data, static v => v);
                    break;
                case OnnxElementType.UInt32:
                    Decode(values, 4, static b => BinaryPrimitives.ReadUInt32LittleEndian(b), _proto.Uint64Data, static v => (long)v);
                    break;
                case OnnxElementType.UInt64:
                    Decode(values, 8, static b => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(b)), _proto.Uint64Data, static v => checked((long)v));
                    break;
                default:
                    throw Unsupported(type);
            }

            return values;
        }

        private delegate T RawReader<T>(ReadOnlySpan<byte> element);

        private void Decode<T, TTyped>(T[] values, int size, RawReader<T> readRaw, RepeatedField<TTyped> typed, Func<TTyped, T> convert)
        {
            ReadOnlySpan<byte> raw = _proto.RawData.Span;
            try
            {
                if (raw.Length > 0 || typed.Count == 0)
                {
                    if (raw.Length != (long)_count * size)
                    {
                        throw new OnnxFormatException(
                            _source, $"tensor '{_proto.Name}' has {raw.Length} bytes of raw_data, but its shape needs {_count} x {size} bytes.");
                    }

                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = readRaw(raw.Slice(i * size, size));
                    }
                }
                else
                {
                    if (typed.Count != _count)
                    {
                        throw new OnnxFormatException(
                            _source, $"tensor '{_proto.Name}' has {typed.Count} typed values, but its shape needs {_count}.");
                    }

                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = convert(typed[i]);
                    }
                }
            }
            catch (OverflowException e)
            {
                throw new OnnxFormatException(_source, $"tensor '{_proto.Name}' holds a uint64 value beyond the int64 range.", e);
            }
        }

        private OnnxFormatException Unsupported(OnnxElementType type) =>
            new(_source, $"tensor '{_proto.Name}' has element type {type} ({(int)type}), which is not supported.");
    }
}
