using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer A { get; }
    [OnChip(1), Transfer(Format = (WireFormat)9), Conv2D(8)] public partial Layer B { get; }
}
