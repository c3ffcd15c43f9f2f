using Sdk;

namespace Samples.Nets;

// Two declared branches that read the network input: branch 0 on chip 0, branch 1 on chip 1. The input crosses to
// chip 1 once, as Float16 (B1 asks for it); only B2's pooled features cross back to the merge on chip 0.
[Network(InputShape = new[] { 1, 8, 8 })]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 1)]
public partial class BranchedNet
{
    [Branch(0), Conv2D(4, Padding = 1, Activation = Activation.Relu)] public partial Layer A1 { get; }
    [GlobalAvgPool] public partial Layer A2 { get; }
    [Branch(1), Transfer(Format = WireFormat.Float16)]
    [Conv2D(4, Padding = 1, Activation = Activation.Relu, Input = Network.Input)] public partial Layer B1 { get; }
    [GlobalAvgPool] public partial Layer B2 { get; }
    [OnChip(0), Concat(nameof(A2), nameof(B2))] public partial Layer Merge { get; }
    [Dense(3)] public partial Layer Logits { get; }
}
