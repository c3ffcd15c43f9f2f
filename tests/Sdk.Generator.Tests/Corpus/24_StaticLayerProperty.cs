using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Dense(4)] public static partial Layer D { get; }
}
