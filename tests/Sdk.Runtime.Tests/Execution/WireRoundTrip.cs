using System;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>Host-side rounding of values through a wire format, written from the format definitions in docs/dsl.md.</summary>
internal static class WireRoundTrip
{
    public static float[] Apply(float[] values, WireFormat format, int samples)
    {
        var result = new float[values.Length];
        var perSample = values.Length / samples;
        for (var s = 0; s < samples; s++)
        {
            var sample = values.AsSpan(s * perSample, perSample);
            var max = 0f;
            foreach (var v in sample)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            var scale = max / 127f;
            for (var i = 0; i < perSample; i++)
            {
                var v = sample[i];
                result[(s * perSample) + i] = format switch
                {
                    WireFormat.Float16 => (float)(Half)v,
                    WireFormat.BFloat16 => DeviceMath.FromBFloat16Bits(DeviceMath.ToBFloat16Bits(v)),
                    WireFormat.Int8 => scale > 0 ? Math.Clamp(MathF.Round(v / scale, MidpointRounding.ToEven), -127, 127) * scale : 0,
                    _ => v,
                };
            }
        }

        return result;
    }
}
