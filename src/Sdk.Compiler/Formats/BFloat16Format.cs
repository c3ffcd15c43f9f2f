namespace Sdk.Compiler;

/// <summary>The top 16 bits of a float32 (sign, exponent, 7 mantissa bits), 2 bytes per value, rounded to nearest even.</summary>
internal sealed class BFloat16Format : WireFormatDefinition
{
    public override WireFormat Format => WireFormat.BFloat16;

    public override long Bytes(long elementsPerSample, long samples) => 2 * elementsPerSample * samples;

    /// <summary>Half of one unit in the last place of 7 mantissa bits.</summary>
    public override double RelativeError => 1.0 / 256;

    public override string Description =>
        "the top 16 bits of each float32, rounded to nearest, ties to even; the receiver sees them with the low 16 bits zero";
}
