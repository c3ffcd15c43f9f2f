using System;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// The top <see cref="Bits"/> bits of each float32 (sign, then exponent, then the leading mantissa bits), cut off, not
/// rounded; the receiver fills the low bits with zeros. Bit-packed per sample: value i of a sample occupies bits
/// [i x Bits, (i + 1) x Bits) of the sample's bit stream (least significant bit first; stream bit p is bit p mod 8
/// of byte p / 8), and each sample starts on a byte boundary, padded with zero bits. So a sample of n values takes
/// ceil(n x Bits / 8) bytes, and a batch exactly that many times the samples.
/// </summary>
/// <remarks>
/// What truncation does to special values follows from the bits kept: ±0 stays ±0; ±infinity stays ±infinity from 9
/// bits up (its exponent is all ones, its mantissa zero); a NaN stays a NaN when a mantissa bit it has set is kept (a
/// quiet NaN from 10 bits up), else it becomes ±infinity (9 bits) or, below 9 bits, a finite power of two; a
/// denormal keeps the mantissa bits that fit and becomes ±0 below that. Below 9 bits part of the exponent is cut: a
/// value becomes ±2^k for the exponents that remain, or ±0.
/// </remarks>
internal sealed class TruncatedFormat : WireFormatDefinition
{
    private static readonly TruncatedFormat[] ByBits = Enumerable.Range(0, WireEncoding.MaxBits + 1).Select(b => new TruncatedFormat(b)).ToArray();

    private TruncatedFormat(int bits) => Bits = bits;

    /// <summary>The definition for <paramref name="bits"/> bits (1 to 32).</summary>
    public static TruncatedFormat Of(int bits) =>
        bits is >= 1 and <= WireEncoding.MaxBits ? ByBits[bits] : throw new ArgumentOutOfRangeException(nameof(bits), bits, $"Truncated keeps 1 to {WireEncoding.MaxBits} bits per value.");

    public int Bits { get; }

    public override WireFormat Format => WireFormat.Truncated;

    public override WireEncoding Encoding => WireEncoding.Truncated(Bits);

    /// <summary>ceil(n x bits / 8) bytes per sample.</summary>
    public override long Bytes(long elementsPerSample, long samples) => ((elementsPerSample * Bits) + 7) / 8 * samples;

    /// <summary>
    /// Below 2^-(bits - 9) for normal values (the mantissa bits cut off), exact at 32 bits; at most 1 below 10 bits
    /// (a truncated value never grows in magnitude and keeps its sign).
    /// </summary>
    public override double RelativeError => Bits == WireEncoding.MaxBits ? 0 : Math.Min(1, Math.Pow(2, WireEncoding.SignAndExponentBits - Bits));

    public override string Description =>
        $"the top {Bits} bits of each float32 (sign, exponent, {Math.Max(0, Bits - WireEncoding.SignAndExponentBits)} mantissa bits) cut off, bit-packed, ceil(n x {Bits} / 8) bytes per sample; the receiver zero-fills the rest";
}
