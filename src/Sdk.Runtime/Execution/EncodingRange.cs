namespace Sdk.Runtime;

/// <summary>
/// The encodings a stream of transfers used: the narrowest and the widest. A stream in one fixed encoding has both
/// equal. Adaptive precision only adds bits, so for one cut the two are its first and its latest encoding; the weight
/// exchange interleaves layers that each keep their own bits, and there the two bound every layer's bits at every step.
/// </summary>
public readonly record struct EncodingRange(WireEncoding? First, WireEncoding? Last)
{
    /// <summary>
    /// The range after one more transfer in <paramref name="encoding"/>: a truncation below <see cref="First"/> becomes
    /// the first, one above <see cref="Last"/> the last (by bits); any other encoding replaces the last.
    /// </summary>
    public EncodingRange With(WireEncoding encoding)
    {
        if (First is not { } first || Last is not { } last)
        {
            return new(encoding, encoding);
        }

        if (encoding.Format == WireFormat.Truncated && first.Format == WireFormat.Truncated && last.Format == WireFormat.Truncated)
        {
            return new(encoding.Bits < first.Bits ? encoding : first, encoding.Bits > last.Bits ? encoding : last);
        }

        return new(first, encoding);
    }

    /// <summary><c>Float16</c>; <c>Truncated(8) → Truncated(13)</c> when the bits differed; <c>—</c> before any transfer.</summary>
    public override string ToString() =>
        First is not { } first || Last is not { } last ? "—" : first == last ? first.ToString() : $"{first} → {last}";
}
