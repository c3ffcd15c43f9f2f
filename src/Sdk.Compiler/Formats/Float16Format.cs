namespace Sdk.Compiler;

/// <summary>IEEE half precision, 2 bytes per value, rounded to nearest even.</summary>
internal sealed class Float16Format : WireFormatDefinition
{
    public override WireFormat Format => WireFormat.Float16;

    public override long Bytes(long elementsPerSample, long samples) => 2 * elementsPerSample * samples;

    /// <summary>Half of one unit in the last place of 10 mantissa bits (normal range).</summary>
    public override double RelativeError => 1.0 / 2048;

    public override string Description =>
        "each value rounded to the nearest IEEE half, ties to even (beyond ±65504 it becomes ±infinity, NaN stays NaN)";
}
