using System;
using System.Buffers.Binary;
using Sdk.Runtime.Numerics;

namespace Sdk.Runtime.Weights
{
    /// <summary>Little-endian element encoding of tensor data in a safetensors buffer.</summary>
    internal static class TensorEncoding
    {
        public static void DecodeToFloat(ReadOnlySpan<byte> source, WireDtype dtype, Span<float> destination)
        {
            int size = dtype.SizeInBytes();
            for (int i = 0; i < destination.Length; i++)
            {
                ReadOnlySpan<byte> element = source.Slice(i * size, size);
                destination[i] = dtype switch
                {
                    WireDtype.F32 => BinaryPrimitives.ReadSingleLittleEndian(element),
                    WireDtype.F16 => HalfFloats.FromFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(element)),
                    WireDtype.BF16 => HalfFloats.FromBFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(element)),
                    WireDtype.I32 => BinaryPrimitives.ReadInt32LittleEndian(element),
                    WireDtype.I64 => BinaryPrimitives.ReadInt64LittleEndian(element),
                    _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
                };
            }
        }

        public static void DecodeToInt64(ReadOnlySpan<byte> source, WireDtype dtype, Span<long> destination)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = dtype switch
                {
                    WireDtype.I32 => BinaryPrimitives.ReadInt32LittleEndian(source.Slice(i * 4, 4)),
                    WireDtype.I64 => BinaryPrimitives.ReadInt64LittleEndian(source.Slice(i * 8, 8)),
                    _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Only integer dtypes decode to int64."),
                };
            }
        }

        public static void EncodeFloat(ReadOnlySpan<float> source, WireDtype dtype, Span<byte> destination)
        {
            int size = dtype.SizeInBytes();
            for (int i = 0; i < source.Length; i++)
            {
                Span<byte> element = destination.Slice(i * size, size);
                switch (dtype)
                {
                    case WireDtype.F32:
                        BinaryPrimitives.WriteSingleLittleEndian(element, source[i]);
                        break;
                    case WireDtype.F16:
                        BinaryPrimitives.WriteUInt16LittleEndian(element, HalfFloats.ToFloat16Bits(source[i]));
                        break;
                    case WireDtype.BF16:
                        BinaryPrimitives.WriteUInt16LittleEndian(element, HalfFloats.ToBFloat16Bits(source[i]));
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Only float dtypes can be written.");
                }
            }
        }
    }
}
