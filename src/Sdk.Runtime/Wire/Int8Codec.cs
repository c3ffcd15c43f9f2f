using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Wire;

/// <summary>
/// Symmetric 8-bit: first one float32 scale per sample (max |x| / 127 over the sample), then one signed byte per
/// value, round_half_to_even(x / scale) clamped to +-127; a zero scale (an all-zero sample) sends zeros.
/// Bit-identical to the ILGPU pack kernels.
/// </summary>
internal sealed class Int8Codec : WireCodec
{
    private const int ScaleBytes = sizeof(float);

    public override WireFormat Format => WireFormat.Int8;

    public override long Bytes(int samples, long valuesPerSample) => (ScaleBytes + valuesPerSample) * samples;

    public override int Pack(ReadOnlySpan<float> values, int samples, Span<byte> wire)
    {
        var scaleBytes = ScaleBytes * samples;
        var bytes = scaleBytes + values.Length;
        RequireRoom(wire, bytes);
        var perSample = values.Length / samples;
        var scales = MemoryMarshal.Cast<byte, float>(wire[..scaleBytes]);
        var data = MemoryMarshal.Cast<byte, sbyte>(wire[scaleBytes..bytes]);
        for (var s = 0; s < samples; s++)
        {
            var sample = values.Slice(s * perSample, perSample);
            var scale = Math.Abs(TensorPrimitives.MaxMagnitude(sample)) / 127f;
            scales[s] = scale;
            var quantised = data.Slice(s * perSample, perSample);
            for (var i = 0; i < perSample; i++)
            {
                var q = scale > 0 ? MathF.Round(sample[i] / scale, MidpointRounding.ToEven) : 0f;
                quantised[i] = (sbyte)Math.Clamp(q, -127f, 127f);
            }
        }

        return bytes;
    }

    public override void Unpack(ReadOnlySpan<byte> wire, int samples, Span<float> values)
    {
        var scaleBytes = ScaleBytes * samples;
        RequireLength(wire, samples, values.Length);
        var perSample = values.Length / samples;
        var scales = MemoryMarshal.Cast<byte, float>(wire[..scaleBytes]);
        var data = MemoryMarshal.Cast<byte, sbyte>(wire[scaleBytes..]);
        for (var s = 0; s < samples; s++)
        {
            var scale = scales[s];
            for (var i = s * perSample; i < (s + 1) * perSample; i++)
            {
                values[i] = data[i] * scale;
            }
        }
    }
}
