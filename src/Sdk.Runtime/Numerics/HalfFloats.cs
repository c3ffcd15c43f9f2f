using System;

namespace Sdk.Runtime.Numerics
{
    /// <summary>
    /// Conversions between float32 and the two 16-bit float formats used for weights and wire
    /// transfers: IEEE 754 half precision (F16) and bfloat16 (BF16). Both round to nearest, ties to
    /// even, and keep NaN a NaN.
    /// </summary>
    public static class HalfFloats
    {
        /// <summary>The F16 bit pattern nearest to <paramref name="value"/> (overflow gives infinity).</summary>
        public static ushort ToFloat16Bits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

        /// <summary>The float32 value of an F16 bit pattern (exact: every half is a float).</summary>
        public static float FromFloat16Bits(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

        /// <summary>The BF16 bit pattern nearest to <paramref name="value"/> (overflow gives infinity).</summary>
        public static ushort ToBFloat16Bits(float value)
        {
            uint bits = BitConverter.SingleToUInt32Bits(value);
            if (float.IsNaN(value))
            {
                // Truncating could clear every mantissa bit and turn a NaN into infinity; set the
                // quiet bit so it stays a NaN, keeping sign and the top payload bits.
                return (ushort)((bits >> 16) | 0x0040);
            }

            // Round to nearest even: add just under half an ulp, plus one when the kept lsb is odd.
            uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
            return (ushort)((bits + roundingBias) >> 16);
        }

        /// <summary>The float32 value of a BF16 bit pattern (exact: BF16 is a float's top half).</summary>
        public static float FromBFloat16Bits(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
    }
}
