using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Dense(16)] public partial Layer D { get; }
    [Conv2D(8)] public partial Layer C { get; }
}
