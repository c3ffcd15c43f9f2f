using ILGPU;
using ILGPU.Algorithms;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// Scalar math usable inside ILGPU kernels (no allocation, no exceptions, XMath for transcendental functions)
/// and on the host, so the wire formats round the same way everywhere.
/// </summary>
public static class DeviceMath
{
    /// <summary>Applies an <see cref="Activation"/> given by its value.</summary>
    public static float Activate(float x, int activation)
    {
        switch (activation)
        {
            case 1: return x > 0 ? x : 0; // Relu
            case 2: return x < 0 ? 0 : (x > 6 ? 6 : x); // Relu6
            case 3: return 1f / (1f + XMath.Exp(-x)); // Sigmoid
            case 4: return XMath.Tanh(x); // Tanh
            case 5: return 0.5f * x * (1f + Erf(x * 0.70710678118654752f)); // Gelu, erf form
            default: return x;
        }
    }

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    public static float Erf(float x)
    {
        var sign = x < 0 ? -1f : 1f;
        var a = XMath.Abs(x);
        var t = 1f / (1f + (0.3275911f * a));
        var poly = t * (0.254829592f + (t * (-0.284496736f + (t * (1.421413741f + (t * (-1.453152027f + (t * 1.061405429f))))))));
        return sign * (1f - (poly * XMath.Exp(-a * a)));
    }

    /// <summary>Rounds to the nearest integer, ties to even, for |x| below 2^22 (adding 1.5 * 2^23 forces the FPU to round).</summary>
    public static float RoundHalfEven(float x)
    {
        const float Magic = 12582912f;
        var shifted = x + Magic;
        return shifted - Magic;
    }

    /// <summary>float32 to IEEE half bits, round to nearest even; overflow to infinity, NaN stays NaN.</summary>
    public static ushort ToFloat16Bits(float value)
    {
        // After F. Giesen's float_to_half_fast3_rtne: subnormals by a float add that rounds for us.
        const uint F32Infinity = 255u << 23;
        const uint F16Max = (127u + 16u) << 23;
        const uint DenormMagic = ((127u - 15u) + (23u - 10u) + 1u) << 23;
        var f = (uint)Interop.FloatAsInt(value);
        var sign = f & 0x80000000u;
        f ^= sign;
        uint o;
        if (f >= F16Max)
        {
            o = f > F32Infinity ? 0x7E00u : 0x7C00u;
        }
        else if (f < (113u << 23))
        {
            var sum = Interop.IntAsFloat(f) + Interop.IntAsFloat(DenormMagic);
            o = (uint)Interop.FloatAsInt(sum) - DenormMagic;
        }
        else
        {
            var mantissaOdd = (f >> 13) & 1u;
            f += unchecked((uint)((15 - 127) << 23)) + 0xFFFu;
            f += mantissaOdd;
            o = f >> 13;
        }

        return (ushort)(o | (sign >> 16));
    }

    public static float FromFloat16Bits(ushort bits)
    {
        const uint ShiftedExponent = 0x7C00u << 13;
        var o = (bits & 0x7FFFu) << 13;
        var exponent = ShiftedExponent & o;
        o += (127u - 15u) << 23;
        if (exponent == ShiftedExponent)
        {
            o += (128u - 16u) << 23; // infinity or NaN
        }
        else if (exponent == 0)
        {
            o += 1u << 23; // subnormal: renormalise with a float subtraction
            o = (uint)Interop.FloatAsInt(Interop.IntAsFloat(o) - Interop.IntAsFloat(113u << 23));
        }

        o |= (uint)(bits & 0x8000) << 16;
        return Interop.IntAsFloat(o);
    }

    /// <summary>float32 to bfloat16 bits (the top half), round to nearest even; NaN stays a quiet NaN.</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        var x = (uint)Interop.FloatAsInt(value);
        if ((x & 0x7FFFFFFFu) > 0x7F800000u)
        {
            return (ushort)((x >> 16) | 0x40u);
        }

        x += 0x7FFFu + ((x >> 16) & 1u);
        return (ushort)(x >> 16);
    }

    public static float FromBFloat16Bits(ushort bits) => Interop.IntAsFloat((uint)bits << 16);
}
