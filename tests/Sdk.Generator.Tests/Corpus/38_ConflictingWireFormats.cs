using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer A { get; }
    [OnChip(1), Transfer(Format = WireFormat.Int8), Conv2D(8)] public partial Layer B { get; }
    [Transfer(Format = WireFormat.Float16), Conv2D(8, Input = nameof(A))] public partial Layer C { get; }
}
