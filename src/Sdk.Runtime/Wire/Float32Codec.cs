using System;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Wire;

/// <summary>The float32 values as they are, 4 bytes each (little-endian, as every supported host).</summary>
internal sealed class Float32Codec : WireCodec
{
    public override WireFormat Format => WireFormat.Float32;

    public override long Bytes(int samples, long valuesPerSample) => 4L * samples * valuesPerSample;

    public override int Pack(ReadOnlySpan<float> values, int samples, Span<byte> wire)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        RequireRoom(wire, bytes.Length);
        bytes.CopyTo(wire);
        return bytes.Length;
    }

    public override void Unpack(ReadOnlySpan<byte> wire, int samples, Span<float> values)
    {
        RequireLength(wire, samples, values.Length);
        MemoryMarshal.Cast<byte, float>(wire).CopyTo(values);
    }
}
