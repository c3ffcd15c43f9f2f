namespace Sdk.Compiler;

/// <summary>4 bytes per value, exact.</summary>
internal sealed class Float32Format : WireFormatDefinition
{
    public override WireFormat Format => WireFormat.Float32;

    public override long Bytes(long elementsPerSample, long samples) => 4 * elementsPerSample * samples;

    public override double RelativeError => 0;

    public override string Description => "exact: the receiver sees the sender's float32 values unchanged";
}
