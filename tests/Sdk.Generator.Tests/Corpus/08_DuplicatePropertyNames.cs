using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8)] public partial Layer Conv1 { get; }
    [Conv2D(8)] public partial Layer Conv1 { get; }
}
