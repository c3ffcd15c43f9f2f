using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
[Chip(0)]
[Link(0, 7, GigabytesPerSecond = 1)]
public partial class Broken
{
    [Dense(4)] public partial Layer D { get; }
}
