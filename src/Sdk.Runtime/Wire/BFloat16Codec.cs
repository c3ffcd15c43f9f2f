using System;
using System.Runtime.InteropServices;
using Sdk.Runtime.Numerics;

namespace Sdk.Runtime.Wire;

/// <summary>The top 16 bits of each float32, rounded to nearest even (NaN stays NaN), 2 bytes each.</summary>
internal sealed class BFloat16Codec : WireCodec
{
    public override WireFormat Format => WireFormat.BFloat16;

    public override long Bytes(int samples, long valuesPerSample) => 2L * samples * valuesPerSample;

    public override int Pack(ReadOnlySpan<float> values, int samples, Span<byte> wire)
    {
        var bytes = 2 * values.Length;
        RequireRoom(wire, bytes);
        var bits = MemoryMarshal.Cast<byte, ushort>(wire[..bytes]);
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = HalfFloats.ToBFloat16Bits(values[i]);
        }

        return bytes;
    }

    public override void Unpack(ReadOnlySpan<byte> wire, int samples, Span<float> values)
    {
        RequireLength(wire, samples, values.Length);
        var bits = MemoryMarshal.Cast<byte, ushort>(wire);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = HalfFloats.FromBFloat16Bits(bits[i]);
        }
    }
}
