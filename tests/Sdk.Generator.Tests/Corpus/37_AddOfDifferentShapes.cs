using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer A { get; }
    [Conv2D(4, Input = nameof(A))] public partial Layer B { get; }
    [Add(nameof(A), nameof(B))] public partial Layer S { get; }
}
