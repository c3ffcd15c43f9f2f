using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer A { get; }
    [OnChip(1), Bottleneck(Ratio = 0), Conv2D(8)] public partial Layer B { get; }
}
