using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer C { get; }
    [Add(nameof(Missing))] public partial Layer S { get; }
}
