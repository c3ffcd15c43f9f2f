using System;

namespace Sdk.Runtime.Wire;

/// <summary>
/// The top <see cref="Bits"/> bits of each float32, bit-packed per sample (each sample from a byte boundary,
/// ceil(n x bits / 8) bytes): <see cref="BitPacking"/>'s layout. Bit-identical to the ILGPU pack kernels.
/// </summary>
internal sealed class TruncatedCodec : WireCodec
{
    public TruncatedCodec(int bits) => Bits = bits;

    public int Bits { get; }

    public override WireFormat Format => WireFormat.Truncated;

    public override WireEncoding Encoding => WireEncoding.Truncated(Bits);

    public override long Bytes(int samples, long valuesPerSample) => samples * BitPacking.Bytes(valuesPerSample, Bits);

    public override int Pack(ReadOnlySpan<float> values, int samples, Span<byte> wire)
    {
        var perSample = values.Length / Math.Max(samples, 1);
        var sampleBytes = (int)BitPacking.Bytes(perSample, Bits);
        var bytes = samples * sampleBytes;
        RequireRoom(wire, bytes);
        for (var s = 0; s < samples; s++)
        {
            BitPacking.Pack(values.Slice(s * perSample, perSample), Bits, wire.Slice(s * sampleBytes, sampleBytes));
        }

        return bytes;
    }

    public override void Unpack(ReadOnlySpan<byte> wire, int samples, Span<float> values)
    {
        RequireLength(wire, samples, values.Length);
        var perSample = values.Length / Math.Max(samples, 1);
        var sampleBytes = (int)BitPacking.Bytes(perSample, Bits);
        for (var s = 0; s < samples; s++)
        {
            BitPacking.Unpack(wire[(s * sampleBytes)..], Bits, values.Slice(s * perSample, perSample));
        }
    }
}
