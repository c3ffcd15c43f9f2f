using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8, Input = nameof(Self))] public partial Layer Self { get; }
}
