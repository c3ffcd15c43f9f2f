using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer C { get; }
    [Dropout(1.5)] public partial Layer D { get; }
}
