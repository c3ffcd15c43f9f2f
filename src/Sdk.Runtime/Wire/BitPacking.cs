using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sdk.Runtime.Wire;

/// <summary>
/// The bit stream of a truncation (see <c>TruncatedFormat</c>): value i's top <c>bits</c> bits at stream bits
/// [i x bits, (i + 1) x bits), least significant first, ceil(n x bits / 8) bytes for n values, the last byte padded
/// with zeros. Byte-aligned widths (8, 16, 24 and 32 bits) move whole bytes with vector shuffles; the others
/// go through a 64-bit accumulator (packing) or one unaligned 64-bit read per value (unpacking).
/// </summary>
internal static class BitPacking
{
    /// <summary>Bytes of <paramref name="values"/> values at <paramref name="bits"/> bits each.</summary>
    public static long Bytes(long values, int bits) => ((values * bits) + 7) / 8;

    /// <summary>Writes the top <paramref name="bits"/> bits of every value into the first <see cref="Bytes"/> bytes of <paramref name="wire"/>.</summary>
    public static void Pack(ReadOnlySpan<float> values, int bits, Span<byte> wire)
    {
        var source = MemoryMarshal.Cast<float, uint>(values);
        var done = bits % 8 == 0 ? PackWholeBytes(source, bits / 8, wire) : 0;
        PackBits(source[done..], bits, wire[(done * bits / 8)..]);
    }

    /// <summary>
    /// Reads <paramref name="values"/>.Length values of <paramref name="bits"/> bits from the start of
    /// <paramref name="wire"/> (which may go on beyond them: later samples) and zero-fills their low bits.
    /// </summary>
    public static void Unpack(ReadOnlySpan<byte> wire, int bits, Span<float> values)
    {
        var target = MemoryMarshal.Cast<float, uint>(values);
        var done = bits % 8 == 0 ? UnpackWholeBytes(wire, bits / 8, target) : 0;
        UnpackBits(wire[(done * bits / 8)..], bits, target[done..]);
    }

    /// <summary>The general case: a 64-bit accumulator flushed 32 bits at a time (it never holds more than 63).</summary>
    private static void PackBits(ReadOnlySpan<uint> source, int bits, Span<byte> wire)
    {
        var shift = 32 - bits;
        ulong pending = 0;
        var filled = 0;
        var written = 0;
        ref var output = ref MemoryMarshal.GetReference(wire);
        if (wire.Length < Bytes(source.Length, bits))
        {
            throw new ArgumentException($"{source.Length} values of {bits} bits take {Bytes(source.Length, bits)} bytes; the wire has {wire.Length}.", nameof(wire));
        }

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
        if (wire.Length < Bytes(target.Length, bits))
        {
            throw new ArgumentException($"{target.Length} values of {bits} bits take {Bytes(target.Length, bits)} bytes; the wire has {wire.Length}.", nameof(wire));
        }

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

    /// <summary>
    /// 8, 16, 24 or 32 bits: each value's top <paramref name="width"/> bytes (little-endian: its last ones), gathered
    /// by one shuffle per 4 values; returns how many values it packed (a multiple of 4; the rest go through the general case).
    /// </summary>
    private static int PackWholeBytes(ReadOnlySpan<uint> source, int width, Span<byte> wire)
    {
        if (width == 4)
        {
            MemoryMarshal.AsBytes(source).CopyTo(wire);
            return source.Length;
        }

        if (!Vector128.IsHardwareAccelerated)
        {
            return 0;
        }

        var shuffle = Gather(width, pack: true);
        var input = MemoryMarshal.AsBytes(source);
        var done = 0;

        // Each step stores 16 bytes but advances 4 x width: it stops while the store still fits the wire.
        for (; done + 4 <= source.Length && (done * width) + 16 <= wire.Length; done += 4)
        {
            var packed = Vector128.Shuffle(Vector128.Create(input.Slice(done * 4, 16)), shuffle);
            packed.CopyTo(wire[(done * width)..]);
        }

        return done;
    }

    /// <summary>The inverse of <see cref="PackWholeBytes"/>: each value's bytes to its top, zeros below.</summary>
    private static int UnpackWholeBytes(ReadOnlySpan<byte> wire, int width, Span<uint> target)
    {
        if (width == 4)
        {
            MemoryMarshal.Cast<byte, uint>(wire[..(4 * target.Length)]).CopyTo(target);
            return target.Length;
        }

        if (!Vector128.IsHardwareAccelerated)
        {
            return 0;
        }

        var shuffle = Gather(width, pack: false);
        var output = MemoryMarshal.AsBytes(target);
        var done = 0;
        for (; done + 4 <= target.Length && (done * width) + 16 <= wire.Length; done += 4)
        {
            var unpacked = Vector128.Shuffle(Vector128.Create(wire.Slice(done * width, 16)), shuffle);
            unpacked.CopyTo(output[(done * 4)..]);
        }

        return done;
    }

    /// <summary>
    /// The byte shuffle between 4 float32 (16 bytes) and their top <paramref name="width"/> bytes each (4 x width
    /// bytes); an index of 255 (out of range) gives a zero byte.
    /// </summary>
    private static Vector128<byte> Gather(int width, bool pack)
    {
        Span<byte> indices = stackalloc byte[16];
        indices.Fill(255);
        for (var value = 0; value < 4; value++)
        {
            for (var b = 0; b < width; b++)
            {
                var wireByte = (value * width) + b;
                var floatByte = (value * 4) + (4 - width) + b;
                indices[pack ? wireByte : floatByte] = (byte)(pack ? floatByte : wireByte);
            }
        }

        return Vector128.Create((ReadOnlySpan<byte>)indices);
    }
}
