using Sdk;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Add] public partial Layer S { get; }
}
