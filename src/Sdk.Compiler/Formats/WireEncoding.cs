using System;

namespace Sdk.Compiler;

/// <summary>
/// A wire format with its parameter: how one tensor travels. <see cref="Bits"/> is the bits kept per value for
/// <see cref="WireFormat.Truncated"/> (1 to 32) and 0 for every other format. A <see cref="WireFormat"/> converts to
/// its encoding, so <c>Transfer = WireFormat.Float16</c> reads as it always did.
/// </summary>
public readonly record struct WireEncoding(WireFormat Format, int Bits = 0)
{
    /// <summary>The widest truncation: every bit of a float32.</summary>
    public const int MaxBits = 32;

    /// <summary>Sign and exponent of a float32: the bits a truncated value keeps before any of its mantissa.</summary>
    public const int SignAndExponentBits = 9;

    public static WireEncoding Float32 => new(WireFormat.Float32);

    /// <summary>The top <paramref name="bits"/> bits of each float32, bit-packed.</summary>
    public static WireEncoding Truncated(int bits) => new(WireFormat.Truncated, bits);

    public static implicit operator WireEncoding(WireFormat format) => new(format);

    /// <summary>Whether the pair is one the compiler knows: a defined format, Bits 1..32 for Truncated, 0 otherwise.</summary>
    public bool IsValid => WireFormats.IsDefined(Format) && (Format == WireFormat.Truncated ? Bits is >= 1 and <= MaxBits : Bits == 0);

    /// <summary>Throws unless <see cref="IsValid"/>, naming what is wrong.</summary>
    public WireEncoding Validate() => IsValid
        ? this
        : throw new ArgumentOutOfRangeException(
            nameof(Bits),
            this,
            !WireFormats.IsDefined(Format) ? "not a value of Sdk.WireFormat"
            : Format == WireFormat.Truncated ? $"Truncated keeps 1 to {MaxBits} bits per value"
            : $"{Format} takes no Bits");

    /// <summary><c>Float16</c>, or <c>Truncated(12)</c>.</summary>
    public override string ToString() => Format == WireFormat.Truncated ? $"Truncated({Bits})" : Format.ToString();
}
