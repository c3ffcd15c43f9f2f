namespace Sdk.Compiler;

/// <summary>
/// Symmetric 8-bit integers: per sample one float32 scale (max |x| / 127) first, then one signed byte per value,
/// <c>clamp(round_half_to_even(x / scale), -127, 127)</c>; the receiver sees <c>q * scale</c>.
/// </summary>
internal sealed class Int8Format : WireFormatDefinition
{
    /// <summary>Bytes of the float32 scale each sample carries.</summary>
    public const int ScaleBytes = 4;

    public override WireFormat Format => WireFormat.Int8;

    public override long Bytes(long elementsPerSample, long samples) => (elementsPerSample + ScaleBytes) * samples;

    /// <summary>Relative to the sample's largest magnitude: half a step of 1/127.</summary>
    public override double RelativeError => 1.0 / 254;

    public override string Description =>
        "per sample scale = max|x| / 127 (one float32 first), then q = clamp(round_half_to_even(x / scale), -127, 127) as one byte; the receiver sees q * scale";
}
