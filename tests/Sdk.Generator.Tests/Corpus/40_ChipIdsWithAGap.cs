using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
[Chip(0)]
[Chip(2)]
public partial class Broken
{
    [Conv2D(8)] public partial Layer A { get; }
    [OnChip(2), Conv2D(8)] public partial Layer B { get; }
}
