using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Sdk.Runtime.Ilgpu;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime;

/// <summary>
/// Host-side packing of a cut tensor into its wire format, bit-identical to the ILGPU pack kernels: Float16 and
/// BFloat16 round to nearest even; Int8 sends one float32 scale per sample (max |x| / 127) first, then
/// round-half-even(x / scale) clamped to +-127.
/// </summary>
public static class WireCodec
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ReadOnlySpan<float> values, WireFormat format, int batch, Span<byte> wire)
    {
        switch (format)
        {
            case WireFormat.Float16:
                TensorPrimitives.ConvertToHalf(values, MemoryMarshal.Cast<byte, Half>(wire));
                break;
            case WireFormat.BFloat16:
                var bits = MemoryMarshal.Cast<byte, ushort>(wire);
                for (var i = 0; i < values.Length; i++)
                {
                    bits[i] = DeviceMath.ToBFloat16Bits(values[i]);
                }

                break;
            case WireFormat.Int8:
                var perSample = values.Length / batch;
                var scales = MemoryMarshal.Cast<byte, float>(wire[..(4 * batch)]);
                var data = MemoryMarshal.Cast<byte, sbyte>(wire[(4 * batch)..]);
                for (var s = 0; s < batch; s++)
                {
                    var sample = values.Slice(s * perSample, perSample);
                    var scale = Math.Abs(TensorPrimitives.MaxMagnitude(sample)) / 127f;
                    scales[s] = scale;
                    for (var i = 0; i < perSample; i++)
                    {
                        var q = scale > 0 ? MathF.Round(sample[i] / scale, MidpointRounding.ToEven) : 0f;
                        data[(s * perSample) + i] = (sbyte)Math.Clamp(q, -127f, 127f);
                    }
                }

                break;
            default:
                MemoryMarshal.AsBytes(values).CopyTo(wire);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(ReadOnlySpan<byte> wire, WireFormat format, int batch, Span<float> values)
    {
        switch (format)
        {
            case WireFormat.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(wire), values);
                break;
            case WireFormat.BFloat16:
                var bits = MemoryMarshal.Cast<byte, ushort>(wire);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = DeviceMath.FromBFloat16Bits(bits[i]);
                }

                break;
            case WireFormat.Int8:
                var perSample = values.Length / batch;
                var scales = MemoryMarshal.Cast<byte, float>(wire[..(4 * batch)]);
                var data = MemoryMarshal.Cast<byte, sbyte>(wire[(4 * batch)..]);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = data[i] * scales[i / perSample];
                }

                break;
            default:
                MemoryMarshal.Cast<byte, float>(wire).CopyTo(values);
                break;
        }
    }
}
