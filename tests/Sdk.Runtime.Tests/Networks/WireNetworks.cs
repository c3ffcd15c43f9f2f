using Sdk;

namespace Sdk.Runtime.Tests.Networks;

/// <summary>One cut per wire format, each into the next chip (a test checks that every format of the compiler is here).</summary>
[Network(InputShape = new[] { 4, 6, 6 })]
public partial class EveryWireFormat
{
    [Conv2D(6, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer A { get; }
    [OnChip(1), Transfer(Format = WireFormat.Float32)] [Conv2D(6, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer B { get; }
    [OnChip(2), Transfer(Format = WireFormat.Float16)] [Conv2D(6, Kernel = 3, Padding = 1)] public partial Layer C { get; }
    [OnChip(3), Transfer(Format = WireFormat.BFloat16)] [Conv2D(6, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer D { get; }
    [OnChip(4), Transfer(Format = WireFormat.Int8)] [Conv2D(6, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer E { get; }
    [OnChip(5), Transfer(Format = WireFormat.Truncated, Bits = 19)] [GlobalAvgPool] public partial Layer F { get; }
    [Dense(5)] public partial Layer Out { get; }
}
