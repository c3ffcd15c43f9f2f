using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Wire;

/// <summary>
/// The bit stream of a truncation (see <c>TruncatedFormat</c>): value i's top <c>bits</c> bits at stream bits
/// [i x bits, (i + 1) x bits), least significant first, ceil(n x bits / 8) bytes for n values, the last byte padded
/// with zeros. The vector paths (<see cref="BitPackingVectors"/>) do what they can: byte-aligned widths by narrowing
/// and byte shuffles, the others by byte permutes in groups of 8 values (AVX-512 VBMI); this file does the rest, value by value, with the same
/// result: a 64-bit accumulator packing, one unaligned 64-bit read per value unpacking.
/// </summary>
internal static class BitPacking
{
    /// <summary>Bytes of <paramref name="values"/> values at <paramref name="bits"/> bits each.</summary>
    public static long Bytes(long values, int bits) => ((values * bits) + 7) / 8;

    /// <summary>Writes the top <paramref name="bits"/> bits of every value into the first <see cref="Bytes"/> bytes of <paramref name="wire"/>.</summary>
    public static void Pack(ReadOnlySpan<float> values, int bits, Span<byte> wire)
    {
        var source = MemoryMarshal.Cast<float, uint>(values);
        if (wire.Length < Bytes(source.Length, bits))
        {
            throw new ArgumentException($"{source.Length} values of {bits} bits take {Bytes(source.Length, bits)} bytes; the wire has {wire.Length}.", nameof(wire));
        }

        // Every vector path packs whole groups of 8 values (bits bytes each), so the rest starts on a byte boundary.
        var done = BitPackingVectors.Pack(source, bits, wire);
        PackBits(source[done..], bits, wire[(int)Bytes(done, bits)..]);
    }

    /// <summary>
    /// Reads <paramref name="values"/>.Length values of <paramref name="bits"/> bits from the start of
    /// <paramref name="wire"/> (which may go on beyond them: later samples) and zero-fills their low bits.
    /// </summary>
    public static void Unpack(ReadOnlySpan<byte> wire, int bits, Span<float> values)
    {
        var target = MemoryMarshal.Cast<float, uint>(values);
        if (wire.Length < Bytes(target.Length, bits))
        {
            throw new ArgumentException($"{target.Length} values of {bits} bits take {Bytes(target.Length, bits)} bytes; the wire has {wire.Length}.", nameof(wire));
        }

        var done = BitPackingVectors.Unpack(wire, bits, target);
        UnpackBits(wire[(int)Bytes(done, bits)..], bits, target[done..]);
    }

    /// <summary>The general case: a 64-bit accumulator flushed 32 bits at a time (it never holds more than 63).</summary>
    private static void PackBits(ReadOnlySpan<uint> source, int bits, Span<byte> wire)
    {
        var shift = 32 - bits;
        ulong pending = 0;
        var filled = 0;
        var written = 0;
        ref var output = ref MemoryMarshal.GetReference(wire);
        foreach (var value in source)
        {
            pending |= (ulong)(value >> shift) << filled;
            filled += bits;
            if (filled >= 32)
            {
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, written), (uint)pending);
                written += 4;
                pending >>= 32;
                filled -= 32;
            }
        }

        for (; filled > 0; filled -= 8)
        {
            Unsafe.Add(ref output, written++) = (byte)pending;
            pending >>= 8;
        }
    }

    /// <summary>One unaligned 64-bit read per value (bit offset under 8, so 8 + 32 bits always fit), bytes one by one at the end of the wire.</summary>
    private static void UnpackBits(ReadOnlySpan<byte> wire, int bits, Span<uint> target)
    {
        var shift = 32 - bits;
        var mask = (1UL << bits) - 1;
        ref var input = ref MemoryMarshal.GetReference(wire);
        var i = 0;
        long bit = 0;
        for (; i < target.Length && (bit >> 3) + 8 <= wire.Length; i++, bit += bits)
        {
            var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref input, (nint)(bit >> 3)));
            target[i] = (uint)((word >> (int)(bit & 7)) & mask) << shift;
        }

        for (; i < target.Length; i++, bit += bits)
        {
            ulong word = 0;
            var first = (int)(bit >> 3);
            for (var b = 0; b < 8 && first + b < wire.Length; b++)
            {
                word |= (ulong)wire[first + b] << (8 * b);
            }

            target[i] = (uint)((word >> (int)(bit & 7)) & mask) << shift;
        }
    }
}
