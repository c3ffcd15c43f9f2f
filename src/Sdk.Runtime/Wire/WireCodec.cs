using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Sdk.Runtime.Wire;

/// <summary>
/// One wire format on the host: packs a cut tensor into the bytes that travel, and unpacks them. What a codec
/// packs is what the ledger counts (the bytes it wrote, never the plan's figure), so a codec that disagrees with
/// the compiler's count for its format (<see cref="WireFormatDefinition.Bytes"/>) makes the traffic tests fail.
/// The CPU backend packs with these; the ILGPU backend's device kernels write the same bytes.
/// </summary>
public abstract class WireCodec
{
    private static readonly WireCodec[] Truncations = Enumerable.Range(1, WireEncoding.MaxBits).Select(b => new TruncatedCodec(b)).ToArray();

    private static readonly WireCodec[] ByFormat = Table(new Float32Codec(), new Float16Codec(), new BFloat16Codec(), new Int8Codec(), Truncations[^1]);

    private static readonly WireCodec[] Every = ByFormat.Where(c => c.Format != WireFormat.Truncated).Concat(Truncations).ToArray();

    /// <summary>Every codec, in the order of <see cref="WireFormats.Encodings"/>: one per format, Truncated once per width (1 to 32 bits).</summary>
    public static IReadOnlyList<WireCodec> All => Every;

    public abstract WireFormat Format { get; }

    /// <summary>The format with its parameter (the bits of a truncation).</summary>
    public virtual WireEncoding Encoding => Format;

    /// <summary>
    /// The length of this codec's layout for <paramref name="samples"/> samples of <paramref name="valuesPerSample"/>
    /// values: what <see cref="Pack"/> writes and <see cref="Unpack"/> accepts, and what a device backend allocates
    /// for kernels that write the same layout.
    /// </summary>
    public abstract long Bytes(int samples, long valuesPerSample);

    /// <summary>The codec of <paramref name="encoding"/> (a <see cref="WireFormat"/> converts to its encoding).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined format, or bits out of range for it.</exception>
    public static WireCodec Of(WireEncoding encoding) =>
        encoding.Validate().Format == WireFormat.Truncated ? Truncations[encoding.Bits - 1] : ByFormat[(int)encoding.Format];

    /// <summary>
    /// Packs <paramref name="samples"/> samples (<paramref name="values"/> holds them one after another) into
    /// <paramref name="wire"/>; returns the bytes written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="wire"/> is too small for the format's layout.</exception>
    public abstract int Pack(ReadOnlySpan<float> values, int samples, Span<byte> wire);

    /// <summary>Unpacks <paramref name="samples"/> samples into <paramref name="values"/>.</summary>
    /// <exception cref="InvalidDataException"><paramref name="wire"/> does not hold exactly what the layout takes for that many values.</exception>
    public abstract void Unpack(ReadOnlySpan<byte> wire, int samples, Span<float> values);

    public override string ToString() => Encoding.ToString();

    /// <summary>Checks that <paramref name="wire"/> has room for <paramref name="bytes"/> before a pack writes anything.</summary>
    protected void RequireRoom(Span<byte> wire, long bytes)
    {
        if (wire.Length < bytes)
        {
            throw new ArgumentException($"{Encoding}: packing takes {bytes} bytes, but the wire buffer holds {wire.Length}.", nameof(wire));
        }
    }

    /// <summary>Checks that what arrived is exactly the layout's length for <paramref name="values"/> values in all.</summary>
    protected void RequireLength(ReadOnlySpan<byte> wire, int samples, int values)
    {
        var bytes = Bytes(samples, values / Math.Max(samples, 1));
        if (wire.Length != bytes)
        {
            throw new InvalidDataException($"{Encoding}: {samples} samples of {values / Math.Max(samples, 1)} values take {bytes} bytes on the wire, but {wire.Length} arrived.");
        }
    }

    private static WireCodec[] Table(params WireCodec[] codecs)
    {
        var table = new WireCodec[Enum.GetValues<WireFormat>().Length];
        foreach (var codec in codecs)
        {
            table[(int)codec.Format] = codec;
        }

        return table;
    }
}
