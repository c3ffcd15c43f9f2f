using System;
using System.Linq;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// The Truncated codec: what truncation does to known bit patterns (zeros, denormals, infinities, NaNs), and its bit
/// stream at every width against a naive packer written here bit by bit.
/// </summary>
public class TruncationTests
{
    private const uint QuietNaN = 0x7FC00000;
    private const uint SignallingNaN = 0x7F800001;
    private const uint Infinity = 0x7F800000;
    private const uint LargestDenormal = 0x007FFFFF;
    private const uint SmallestDenormal = 0x00000001;

    /// <summary>One value through the codec at <paramref name="bits"/> bits: the bits the receiver sees.</summary>
    private static uint RoundTrip(uint value, int bits)
    {
        var codec = WireCodec.Of(WireEncoding.Truncated(bits));
        var wire = new byte[4];
        var written = codec.Pack(new[] { BitConverter.UInt32BitsToSingle(value) }, 1, wire);
        Assert.Equal((bits + 7) / 8, written);
        var back = new float[1];
        codec.Unpack(wire.AsSpan(0, written), 1, back);
        return BitConverter.SingleToUInt32Bits(back[0]);
    }

    [Theory]
    [InlineData(0x00000000u, 1, 0x00000000u)]       // +0 stays +0
    [InlineData(0x80000000u, 1, 0x80000000u)]       // -0 keeps its sign
    [InlineData(0x80000000u, 12, 0x80000000u)]
    [InlineData(0x3F800000u, 1, 0x00000000u)]       // 1.0 with the sign only: +0
    [InlineData(0xBFC00000u, 1, 0x80000000u)]       // -1.5: -0
    [InlineData(0x3F800000u, 5, 0x38000000u)]       // 1.0 with 4 exponent bits: 2^-15
    [InlineData(0x40490FDBu, 9, 0x40000000u)]       // pi, sign and exponent only: 2
    [InlineData(0x40490FDBu, 12, 0x40400000u)]      // pi with 3 mantissa bits: 3
    [InlineData(0x40490FDBu, 16, 0x40490000u)]      // the top half: bfloat16 truncated, not rounded
    [InlineData(0xC0490FDBu, 31, 0xC0490FDAu)]
    [InlineData(0x40490FDBu, 32, 0x40490FDBu)]      // exact
    [InlineData(Infinity, 9, Infinity)]             // infinity from 9 bits up
    [InlineData(0xFF800000u, 20, 0xFF800000u)]
    [InlineData(Infinity, 8, 0x7F000000u)]          // below 9 bits it loses exponent bits: 2^127
    [InlineData(Infinity, 5, 0x78000000u)]          // 2^113
    [InlineData(QuietNaN, 10, QuietNaN)]            // a quiet NaN keeps its top mantissa bit from 10 bits up
    [InlineData(0xFFC00000u, 24, 0xFFC00000u)]
    [InlineData(QuietNaN, 9, Infinity)]             // at 9 bits its mantissa is cut: infinity
    [InlineData(SignallingNaN, 31, Infinity)]       // a NaN whose only mantissa bit is cut becomes infinity
    [InlineData(SignallingNaN, 32, SignallingNaN)]
    [InlineData(LargestDenormal, 12, 0x00700000u)]  // a denormal keeps its top mantissa bits
    [InlineData(LargestDenormal, 9, 0x00000000u)]   // and is +0 without any
    [InlineData(0x807FFFFFu, 20, 0x807FF000u)]
    [InlineData(SmallestDenormal, 31, 0x00000000u)] // the smallest denormal needs all 32 bits
    [InlineData(SmallestDenormal, 32, SmallestDenormal)]
    public void TruncationOfKnownBitPatterns(uint value, int bits, uint expected) =>
        Assert.Equal(expected.ToString("X8"), RoundTrip(value, bits).ToString("X8"));

    [Fact]
    public void NaNStaysNaNFromTenBitsAndInfinityFromNine()
    {
        for (var bits = 1; bits <= 32; bits++)
        {
            var nan = BitConverter.UInt32BitsToSingle(RoundTrip(QuietNaN, bits));
            var infinity = BitConverter.UInt32BitsToSingle(RoundTrip(Infinity, bits));
            Assert.Equal(bits >= 10, float.IsNaN(nan));
            Assert.Equal(bits >= 9, float.IsPositiveInfinity(infinity));
            Assert.True(float.IsPositiveInfinity(nan) == (bits == 9), $"{bits} bits: NaN became {nan}");
        }
    }

    /// <summary>A naive packer: bit b of value i goes to stream bit i x bits + b, one bit at a time.</summary>
    private static byte[] NaivePack(uint[] values, int samples, int bits)
    {
        var perSample = values.Length / samples;
        var sampleBytes = ((perSample * bits) + 7) / 8;
        var wire = new byte[samples * sampleBytes];
        for (var s = 0; s < samples; s++)
        {
            for (var i = 0; i < perSample; i++)
            {
                var top = values[(s * perSample) + i] >> (32 - bits);
                for (var b = 0; b < bits; b++)
                {
                    if (((top >> b) & 1) != 0)
                    {
                        var bit = (i * bits) + b;
                        wire[(s * sampleBytes) + (bit / 8)] |= (byte)(1 << (bit % 8));
                    }
                }
            }
        }

        return wire;
    }

    /// <summary>Random bit patterns (NaNs, infinities and denormals among them) and the special values.</summary>
    private static uint[] Patterns(int count, int seed)
    {
        var random = new Random(seed);
        var special = new[] { 0u, 0x80000000u, Infinity, 0xFF800000u, QuietNaN, SignallingNaN, LargestDenormal, SmallestDenormal, 0x3F800000u };
        return Enumerable.Range(0, count).Select(i => i < special.Length ? special[i] : (uint)random.NextInt64(0, 1L << 32)).ToArray();
    }

    public static TheoryData<int, int> Sizes() => new() { { 1, 1 }, { 3, 1 }, { 7, 3 }, { 8, 2 }, { 9, 4 }, { 31, 3 }, { 100, 2 }, { 1001, 3 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void PackingAtEveryWidthIsTheNaiveBitStream(int valuesPerSample, int samples)
    {
        var patterns = Patterns(valuesPerSample * samples, seed: valuesPerSample);
        var values = patterns.Select(BitConverter.UInt32BitsToSingle).ToArray();
        for (var bits = 1; bits <= 32; bits++)
        {
            var codec = WireCodec.Of(WireEncoding.Truncated(bits));
            var expected = NaivePack(patterns, samples, bits);
            var wire = new byte[expected.Length + 32];
            Array.Fill(wire, (byte)0xA5); // the padding bits must be written as zeros, not left as they were
            Assert.Equal(expected.Length, codec.Pack(values, samples, wire));
            Assert.True(expected.AsSpan().SequenceEqual(wire.AsSpan(0, expected.Length)), $"{bits} bits, {samples} x {valuesPerSample}: packed bytes differ");
            Assert.All(wire.Skip(expected.Length), b => Assert.Equal(0xA5, b)); // nothing beyond the layout

            var back = new float[values.Length];
            codec.Unpack(expected, samples, back);
            var keep = bits == 32 ? uint.MaxValue : ~(uint.MaxValue >> bits);
            Assert.Equal(patterns.Select(p => p & keep), back.Select(BitConverter.SingleToUInt32Bits));
        }
    }

    [Fact]
    public void EachSampleStartsOnAByteBoundary()
    {
        // 3 values of 5 bits: 15 bits, 2 bytes per sample, the 16th bit zero.
        var codec = WireCodec.Of(WireEncoding.Truncated(5));
        Assert.Equal(2 * 4, codec.Bytes(4, 3));
        Assert.Equal(2 * 4, WireFormats.Of(WireEncoding.Truncated(5)).Bytes(3, 4));
        var all = Enumerable.Repeat(-float.MaxValue, 12).ToArray(); // top 5 bits all ones
        var wire = new byte[8];
        codec.Pack(all, 4, wire);
        Assert.Equal(new byte[] { 0xFF, 0x7F, 0xFF, 0x7F, 0xFF, 0x7F, 0xFF, 0x7F }, wire);
    }

    [Fact]
    public void UnpackRefusesAWrongLength()
    {
        var codec = WireCodec.Of(WireEncoding.Truncated(12));
        var error = Assert.Throws<System.IO.InvalidDataException>(() => codec.Unpack(new byte[10], 2, new float[10]));
        Assert.Contains("Truncated(12): 2 samples of 5 values take 16 bytes on the wire, but 10 arrived", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void WidthsOutsideOneToThirtyTwoAreRefused(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WireCodec.Of(WireEncoding.Truncated(bits)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WireFormats.Of(WireEncoding.Truncated(bits)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WireCodec.Of(new WireEncoding(WireFormat.Float16, 12)));
    }
}
