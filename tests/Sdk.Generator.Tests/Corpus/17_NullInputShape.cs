using Sdk;

[Network(InputShape = null)]
public partial class Broken
{
    [Dense(4)] public partial Layer D { get; }
}
