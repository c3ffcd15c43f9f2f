using Sdk;

[Network]
public partial class Broken
{
    [Dense(4)] public partial Layer D { get; }
}
