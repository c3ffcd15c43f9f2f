using System;
using System.Collections.Generic;

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

    public string Name => Format.ToString();

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
    public virtual WireFormat GradientFormat => Format;

    /// <summary>One line for docs and reports: what a value becomes.</summary>
    public abstract string Description { get; }

    public override string ToString() => Name;
}

/// <summary>The table of wire formats: one <see cref="WireFormatDefinition"/> per <see cref="WireFormat"/>.</summary>
public static class WireFormats
{
    private static readonly WireFormatDefinition[] ByFormat = Table(new Float32Format(), new Float16Format(), new BFloat16Format(), new Int8Format());

    /// <summary>Every definition, in <see cref="WireFormat"/> order.</summary>
    public static IReadOnlyList<WireFormatDefinition> All => ByFormat;

    public static bool IsDefined(WireFormat format) => (uint)format < (uint)ByFormat.Length;

    public static WireFormatDefinition Of(WireFormat format) =>
        IsDefined(format) ? ByFormat[(int)format] : throw new ArgumentOutOfRangeException(nameof(format), format, "not a value of Sdk.WireFormat");

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
