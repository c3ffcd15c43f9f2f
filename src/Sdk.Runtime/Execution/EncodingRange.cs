namespace Sdk.Runtime;

/// <summary>
/// The encodings a stream of transfers used: the first and the latest. Adaptive precision only adds bits, so the
/// two bound every transfer between them.
/// </summary>
public readonly record struct EncodingRange(WireEncoding? First, WireEncoding? Last)
{
    /// <summary>The range after one more transfer in <paramref name="encoding"/>.</summary>
    public EncodingRange With(WireEncoding encoding) => new(First ?? encoding, encoding);

    /// <summary><c>Float16</c>; <c>Truncated(8) → Truncated(13)</c> when the precision grew; <c>—</c> before any transfer.</summary>
    public override string ToString() =>
        First is not { } first || Last is not { } last ? "—" : first == last ? first.ToString() : $"{first} → {last}";
}
