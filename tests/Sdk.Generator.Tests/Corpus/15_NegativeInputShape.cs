using Sdk;

[Network(InputShape = new[] { -1, 28, 28 })]
public partial class Broken
{
    [Dense(4)] public partial Layer D { get; }
}
