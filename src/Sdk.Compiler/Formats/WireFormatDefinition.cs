using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// Everything the compiler knows about one wire format, written once: its name, how many bytes a tensor takes
/// on the wire, how close the receiver's values are to the sender's, and how the tensor's gradient travels back
/// in training. The plan and the report count with it; every backend registers a codec per format (pack and
/// unpack) whose actual output is measured against these figures, and a test fails when a backend lacks one.
/// </summary>
public abstract class WireFormatDefinition
{
    public abstract WireFormat Format { get; }

    /// <summary>The format with its parameter (the bits of a truncation).</summary>
    public virtual WireEncoding Encoding => Format;

    public string Name => Encoding.ToString();

    /// <summary>Bytes a tensor of <paramref name="samples"/> samples, <paramref name="elementsPerSample"/> values each, takes on the wire.</summary>
    public abstract long Bytes(long elementsPerSample, long samples);

    /// <summary>Bytes of one sample.</summary>
    public long BytesPerSample(long elementsPerSample) => Bytes(elementsPerSample, 1);

    /// <summary>Largest relative error of a value after the round trip (0: exact), for values in the format's range.</summary>
    public abstract double RelativeError { get; }

    /// <summary>
    /// The format the gradient of a cut tensor travels back in (training). The gradient is straight-through: the
    /// gradient of the value the receiver saw is taken as that of the value the sender sent.
    /// </summary>
    public virtual WireEncoding GradientFormat => Encoding;

    /// <summary>One line for docs and reports: what a value becomes.</summary>
    public abstract string Description { get; }

    public override string ToString() => Name;
}

/// <summary>
/// The table of wire formats: one <see cref="WireFormatDefinition"/> per <see cref="WireFormat"/>, and for
/// <see cref="WireFormat.Truncated"/> one per width (1 to 32 bits).
/// </summary>
public static class WireFormats
{
    private static readonly WireFormatDefinition[] ByFormat = Table(new Float32Format(), new Float16Format(), new BFloat16Format(), new Int8Format(), TruncatedFormat.Of(WireEncoding.MaxBits));

    private static readonly WireFormatDefinition[] Every = ByFormat
        .Where(d => d.Format != WireFormat.Truncated)
        .Concat(Enumerable.Range(1, WireEncoding.MaxBits).Select(TruncatedFormat.Of))
        .ToArray();

    /// <summary>Every definition: one per format, then Truncated at each width from 1 to 32 bits.</summary>
    public static IReadOnlyList<WireFormatDefinition> All => Every;

    /// <summary>Every encoding, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<WireEncoding> Encodings { get; } = Every.Select(d => d.Encoding).ToArray();

    public static bool IsDefined(WireFormat format) => (uint)format < (uint)ByFormat.Length;

    /// <summary>The definition of a format that takes no parameter (for Truncated, give its bits: <see cref="Of(WireEncoding)"/>).</summary>
    public static WireFormatDefinition Of(WireFormat format) => Of(new WireEncoding(format));

    /// <summary>The definition of <paramref name="encoding"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined format, or bits out of range for it.</exception>
    public static WireFormatDefinition Of(WireEncoding encoding)
    {
        encoding.Validate();
        return encoding.Format == WireFormat.Truncated ? TruncatedFormat.Of(encoding.Bits) : ByFormat[(int)encoding.Format];
    }

    private static WireFormatDefinition[] Table(params WireFormatDefinition[] definitions)
    {
        var table = new WireFormatDefinition[Enum.GetValues(typeof(WireFormat)).Length];
        foreach (var definition in definitions)
        {
            table[(int)definition.Format] = definition;
        }

        return table;
    }
}
