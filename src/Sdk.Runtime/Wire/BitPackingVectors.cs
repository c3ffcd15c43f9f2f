using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Wire;

/// <summary>
/// The vector paths of <see cref="BitPacking"/>, each over whole groups of 8 values (bits bytes), as far as the wire
/// has room for their full-width stores and loads; each returns how many values it did (a multiple of 8), the scalar
/// code does the rest. 32 bits: a copy; 8 and 16 bits: narrowing and widening; every other width with AVX-512 VBMI's
/// byte permutes (without it, the scalar code does them).
/// </summary>
internal static class BitPackingVectors
{
    public static int Pack(ReadOnlySpan<uint> source, int bits, Span<byte> wire) => bits switch
    {
        32 => Copy(MemoryMarshal.AsBytes(source), wire, source.Length),
        16 when Vector256.IsHardwareAccelerated => PackHalves(source, wire),
        8 when Vector256.IsHardwareAccelerated => PackTopBytes(source, wire),
        _ when Avx512Vbmi.IsSupported => PackPermuted(source, bits, wire),
        _ => 0,
    };

    public static int Unpack(ReadOnlySpan<byte> wire, int bits, Span<uint> target) => bits switch
    {
        32 => Copy(wire, MemoryMarshal.AsBytes(target), target.Length),
        16 when Vector256.IsHardwareAccelerated => UnpackHalves(wire, target),
        8 when Vector256.IsHardwareAccelerated => UnpackTopBytes(wire, target),
        _ when Avx512Vbmi.IsSupported => UnpackPermuted(wire, bits, target),
        _ => 0,
    };

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to, int values)
    {
        from[..(4 * values)].CopyTo(to);
        return values;
    }

    /// <summary>16 values: the top halves, narrowed.</summary>
    private static int PackHalves(ReadOnlySpan<uint> source, Span<byte> wire)
    {
        var output = MemoryMarshal.Cast<byte, ushort>(wire);
        var i = 0;
        for (; i + 16 <= source.Length; i += 16)
        {
            var low = Vector256.Create(source.Slice(i, 8)) >>> 16;
            var high = Vector256.Create(source.Slice(i + 8, 8)) >>> 16;
            Vector256.Narrow(low, high).CopyTo(output[i..]);
        }

        return i;
    }

    private static int UnpackHalves(ReadOnlySpan<byte> wire, Span<uint> target)
    {
        var input = MemoryMarshal.Cast<byte, ushort>(wire);
        var i = 0;
        for (; i + 16 <= target.Length; i += 16)
        {
            var (low, high) = Vector256.Widen(Vector256.Create(input.Slice(i, 16)));
            (low << 16).CopyTo(target[i..]);
            (high << 16).CopyTo(target[(i + 8)..]);
        }

        return i;
    }

    /// <summary>32 values: the top bytes, narrowed twice.</summary>
    private static int PackTopBytes(ReadOnlySpan<uint> source, Span<byte> wire)
    {
        var i = 0;
        for (; i + 32 <= source.Length; i += 32)
        {
            var a = Vector256.Narrow(Vector256.Create(source.Slice(i, 8)) >>> 24, Vector256.Create(source.Slice(i + 8, 8)) >>> 24);
            var b = Vector256.Narrow(Vector256.Create(source.Slice(i + 16, 8)) >>> 24, Vector256.Create(source.Slice(i + 24, 8)) >>> 24);
            Vector256.Narrow(a, b).CopyTo(wire[i..]);
        }

        return i;
    }

    private static int UnpackTopBytes(ReadOnlySpan<byte> wire, Span<uint> target)
    {
        var i = 0;
        for (; i + 32 <= target.Length; i += 32)
        {
            var (a, b) = Vector256.Widen(Vector256.Create(wire.Slice(i, 32)));
            var (a0, a1) = Vector256.Widen(a);
            var (b0, b1) = Vector256.Widen(b);
            (a0 << 24).CopyTo(target[i..]);
            (a1 << 24).CopyTo(target[(i + 8)..]);
            (b0 << 24).CopyTo(target[(i + 16)..]);
            (b1 << 24).CopyTo(target[(i + 24)..]);
        }

        return i;
    }

    /// <summary>
    /// 8 values a step into their bits bytes. Each value's top bits, shifted left by its bit offset within its first
    /// byte (p_i mod 8, p_i = i x bits), fill a 64-bit lane (at most 39 bits: byte 7 of every lane is zero); output byte j
    /// is the OR of the bytes of the lanes that cover it, fetched by byte permutes: the k-th permute takes, for every
    /// byte, the k-th value that covers it (2 permutes from 8 bits up). Each step stores 32 bytes, so it stops while they fit.
    /// </summary>
    private static unsafe int PackPermuted(ReadOnlySpan<uint> source, int bits, Span<byte> wire)
    {
        var permutes = (7 / bits) + 2;
        Span<Vector512<byte>> controls = stackalloc Vector512<byte>[permutes];
        Span<byte> control = stackalloc byte[64];
        for (var k = 0; k < permutes; k++)
        {
            for (var j = 0; j < 64; j++)
            {
                var value = (8 * j / bits) + k; // the k-th value covering byte j, if it starts before the byte ends
                control[j] = (byte)(j < bits && value < 8 && value * bits < (8 * j) + 8 ? (8 * value) + j - (value * bits / 8) : 7);
            }

            controls[k] = Vector512.Create((ReadOnlySpan<byte>)control);
        }

        var (first, second) = (controls[0], controls[1]);
        var offsets = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7) * (ulong)bits & Vector512.Create(7UL);
        var shift = Vector256.Create((uint)(32 - bits));
        var i = 0;
        fixed (uint* input = source)
        fixed (byte* output = wire)
        {
            for (; i + 8 <= source.Length && ((long)i * bits / 8) + 32 <= wire.Length; i += 8)
            {
                var top = Avx2.ShiftRightLogicalVariable(Avx.LoadVector256(input + i), shift);
                var lanes = Avx512F.ShiftLeftLogicalVariable(Avx512F.ConvertToVector512UInt64(top), offsets).AsByte();
                var group = Avx512Vbmi.PermuteVar64x8(lanes, first) | Avx512Vbmi.PermuteVar64x8(lanes, second);
                for (var k = 2; k < permutes; k++)
                {
                    group |= Avx512Vbmi.PermuteVar64x8(lanes, controls[k]); // below 8 bits a byte holds more than 2 values
                }

                Avx.Store(output + ((long)i * bits / 8), group.GetLower());
            }
        }

        return i;
    }

    /// <summary>
    /// 8 values a step: one byte permute of the group's bytes puts the 8 bytes from each value's first byte into a
    /// 64-bit lane; a shift by its bit offset, a mask and a narrowing give the values. Each step loads 64 bytes.
    /// </summary>
    private static unsafe int UnpackPermuted(ReadOnlySpan<byte> wire, int bits, Span<uint> target)
    {
        Span<byte> control = stackalloc byte[64];
        for (var j = 0; j < 64; j++)
        {
            control[j] = (byte)((j / 8 * bits / 8) + (j % 8));
        }

        var spread = Vector512.Create((ReadOnlySpan<byte>)control);
        var offsets = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7) * (ulong)bits & Vector512.Create(7UL);
        var mask = Vector512.Create((1UL << bits) - 1);
        var shift = Vector256.Create((uint)(32 - bits));
        var i = 0;
        fixed (byte* input = wire)
        fixed (uint* output = target)
        {
            for (; i + 8 <= target.Length && ((long)i * bits / 8) + 64 <= wire.Length; i += 8)
            {
                var lanes = Avx512Vbmi.PermuteVar64x8(Avx512F.LoadVector512(input + ((long)i * bits / 8)), spread).AsUInt64();
                var values = Avx512F.ConvertToVector256UInt32(Avx512F.ShiftRightLogicalVariable(lanes, offsets) & mask);
                Avx.Store(output + i, Avx2.ShiftLeftLogicalVariable(values, shift));
            }
        }

        return i;
    }
}
