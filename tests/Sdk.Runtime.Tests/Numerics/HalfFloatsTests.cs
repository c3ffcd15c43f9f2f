using System;
using Sdk.Runtime.Numerics;

namespace Sdk.Runtime.Tests.Numerics
{
    public class HalfFloatsTests
    {
        [Theory]
        [InlineData(1.0f, 0x3C00)]
        [InlineData(-2.5f, 0xC100)]
        [InlineData(0.0f, 0x0000)]
        [InlineData(-0.0f, 0x8000)]
        [InlineData(65504f, 0x7BFF)]            // largest finite half
        [InlineData(65519.99f, 0x7BFF)]         // just below the halfway point to 65536 still rounds down
        [InlineData(65520f, 0x7C00)]            // halfway between 65504 and 65536: ties to even, which is infinity
        [InlineData(1e6f, 0x7C00)]
        [InlineData(-1e6f, 0xFC00)]
        [InlineData(6.103515625e-05f, 0x0400)]  // 2^-14, smallest normal
        [InlineData(5.9604645e-08f, 0x0001)]    // 2^-24, smallest subnormal
        [InlineData(2.9802322e-08f, 0x0000)]    // 2^-25: halfway to the smallest subnormal, ties to even (zero)
        [InlineData(8.940697e-08f, 0x0002)]     // 1.5 * 2^-24: halfway between 1 and 2 ulps, ties to even (2)
        [InlineData(6.097555e-05f, 0x03FF)]     // 1023 * 2^-24, largest subnormal
        [InlineData(1.00048828125f, 0x3C00)]    // 1 + 2^-11: tie, even mantissa (down)
        [InlineData(1.00146484375f, 0x3C02)]    // 1 + 3*2^-11: tie, even mantissa (up)
        public void Float16_rounds_to_nearest_even(float value, int expectedBits)
        {
            Assert.Equal((ushort)expectedBits, HalfFloats.ToFloat16Bits(value));
        }

        [Fact]
        public void Float16_keeps_infinities_and_nan()
        {
            Assert.Equal(0x7C00, HalfFloats.ToFloat16Bits(float.PositiveInfinity));
            Assert.Equal(0xFC00, HalfFloats.ToFloat16Bits(float.NegativeInfinity));
            Assert.True(float.IsNaN(HalfFloats.FromFloat16Bits(HalfFloats.ToFloat16Bits(float.NaN))));
            Assert.True(float.IsNaN(HalfFloats.FromFloat16Bits(0x7E00)));
            Assert.True(float.IsNaN(HalfFloats.FromFloat16Bits(0x7C01)));
            Assert.Equal(float.PositiveInfinity, HalfFloats.FromFloat16Bits(0x7C00));
            Assert.Equal(float.NegativeInfinity, HalfFloats.FromFloat16Bits(0xFC00));
        }

        [Theory]
        [InlineData(0x3C00, 1.0f)]
        [InlineData(0xC100, -2.5f)]
        [InlineData(0x7BFF, 65504f)]
        [InlineData(0x0001, 5.9604645e-08f)]
        [InlineData(0x03FF, 6.097555e-05f)]
        [InlineData(0x8000, -0.0f)]
        [InlineData(0x3555, 0.33325195f)]
        public void Float16_bits_decode_exactly(int bits, float expected)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(HalfFloats.FromFloat16Bits((ushort)bits)));
        }

        [Fact]
        public void Every_float16_pattern_survives_a_round_trip_through_float32()
        {
            for (int bits = 0; bits <= 0xFFFF; bits++)
            {
                float value = HalfFloats.FromFloat16Bits((ushort)bits);
                if (!float.IsNaN(value))
                {
                    Assert.Equal((ushort)bits, HalfFloats.ToFloat16Bits(value));
                }
            }
        }

        [Theory]
        [InlineData(0x3F800000u, 0x3F80)]  // 1.0
        [InlineData(0xC0200000u, 0xC020)]  // -2.5
        [InlineData(0x80000000u, 0x8000)]  // -0
        [InlineData(0x3F808000u, 0x3F80)]  // 1 + 2^-8: exactly halfway, lsb even, stays
        [InlineData(0x3F818000u, 0x3F82)]  // 1 + 3*2^-8: exactly halfway, lsb odd, rounds up to even
        [InlineData(0x3F808001u, 0x3F81)]  // just above halfway rounds up
        [InlineData(0x3F807FFFu, 0x3F80)]  // just below halfway rounds down
        [InlineData(0x7F7FFFFFu, 0x7F80)]  // float.MaxValue overflows to infinity
        [InlineData(0x7F7F7FFFu, 0x7F7F)]  // largest value that stays finite
        [InlineData(0x7F800000u, 0x7F80)]  // +inf
        [InlineData(0xFF800000u, 0xFF80)]  // -inf
        [InlineData(0x000116C2u, 0x0001)]  // a float subnormal rounds to the nearest bf16 subnormal
        [InlineData(0x00008000u, 0x0000)]  // half of the smallest bf16 subnormal: tie to even (zero)
        [InlineData(0x00018000u, 0x0002)]  // 1.5 bf16 subnormal ulps: tie to even (2)
        public void BFloat16_rounds_to_nearest_even(uint floatBits, int expectedBits)
        {
            Assert.Equal((ushort)expectedBits, HalfFloats.ToBFloat16Bits(BitConverter.UInt32BitsToSingle(floatBits)));
        }

        [Theory]
        [InlineData(0x7FC00000u)]  // canonical quiet NaN
        [InlineData(0x7F800001u)]  // signalling NaN whose payload lives only in the bits that are dropped
        [InlineData(0xFF800001u)]
        public void BFloat16_keeps_nan_a_nan(uint nanBits)
        {
            ushort bits = HalfFloats.ToBFloat16Bits(BitConverter.UInt32BitsToSingle(nanBits));
            Assert.True(float.IsNaN(HalfFloats.FromBFloat16Bits(bits)));
            Assert.Equal(nanBits >> 31, (uint)bits >> 15);
        }

        [Fact]
        public void BFloat16_decodes_as_the_top_half_of_a_float()
        {
            Assert.Equal(1.0f, HalfFloats.FromBFloat16Bits(0x3F80));
            Assert.Equal(-2.5f, HalfFloats.FromBFloat16Bits(0xC020));
            Assert.Equal(3.3895314e38f, HalfFloats.FromBFloat16Bits(0x7F7F));
            Assert.Equal(float.PositiveInfinity, HalfFloats.FromBFloat16Bits(0x7F80));
        }
    }
}
