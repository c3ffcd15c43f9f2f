using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Wire;

/// <summary>IEEE half per value, rounded to nearest even (2 bytes each), vectorised by TensorPrimitives.</summary>
internal sealed class Float16Codec : WireCodec
{
    public override WireFormat Format => WireFormat.Float16;

    public override long Bytes(int samples, long valuesPerSample) => 2L * samples * valuesPerSample;

    public override int Pack(ReadOnlySpan<float> values, int samples, Span<byte> wire)
    {
        var bytes = 2 * values.Length;
        RequireRoom(wire, bytes);
        TensorPrimitives.ConvertToHalf(values, MemoryMarshal.Cast<byte, Half>(wire[..bytes]));
        return bytes;
    }

    public override void Unpack(ReadOnlySpan<byte> wire, int samples, Span<float> values)
    {
        RequireLength(wire, samples, values.Length);
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(wire), values);
    }
}
