using Sdk;

public class Outer
{
    [Network(InputShape = new[] { 3, 16, 16 })]
    public partial class Broken
    {
        [Dense(4)] public partial Layer D { get; }
    }
}
