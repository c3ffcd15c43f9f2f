using Sdk;

namespace Sdk.Runtime.Tests.Networks;

/// <summary>
/// A residual network written once; [Lcp] derives two copies of Conv1..Drop with half the widths, copy b on chip b,
/// merged on chip 0 before Logits. Per sample the input (3 x 8 x 8 floats, 768 B) crosses to chip 1, forward only;
/// b1.Drop's 8 features (32 B) cross back, and their gradient comes back in training.
/// </summary>
[Network(InputShape = new[] { 3, 8, 8 })]
[Lcp(Branches = 2)]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 2)]
public partial class LcpResidual
{
    [Conv2D(8, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm] public partial Layer Bn2 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [Conv2D(16, Stride = 2, Padding = 1, Activation = Activation.Relu)] public partial Layer Down { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dropout(0.25)] public partial Layer Drop { get; }
    [Dense(5)] public partial Layer Logits { get; }
}

/// <summary><see cref="LcpResidual"/> as written, before [Lcp]: one branch on one chip.</summary>
[Network(InputShape = new[] { 3, 8, 8 })]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 2)]
public partial class LcpResidualSource
{
    [Conv2D(8, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm] public partial Layer Bn2 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [Conv2D(16, Stride = 2, Padding = 1, Activation = Activation.Relu)] public partial Layer Down { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dropout(0.25)] public partial Layer Drop { get; }
    [Dense(5)] public partial Layer Logits { get; }
}

/// <summary>
/// Three declared branches over a 2 x 6 x 6 input, merged on a fourth chip. The input crosses from chip 0 to chip 1
/// as Float16 (72 x 2 = 144 B per sample) and to chip 2 as Int8 (72 + a 4-byte scale = 76 B); each branch sends its
/// 4 pooled features (16 B) to chip 3.
/// </summary>
[Network(InputShape = new[] { 2, 6, 6 })]
[Link(0, 1, GigabytesPerSecond = 1)]
[Link(0, 2, GigabytesPerSecond = 1)]
[Link(0, 3, GigabytesPerSecond = 1)]
[Link(1, 3, GigabytesPerSecond = 1)]
[Link(2, 3, GigabytesPerSecond = 1)]
public partial class ThreeBranches
{
    [Branch(0), Conv2D(4, Padding = 1, Activation = Activation.Relu)] public partial Layer A { get; }
    [GlobalAvgPool] public partial Layer APool { get; }

    [Branch(1), Transfer(Format = WireFormat.Float16)]
    [Conv2D(4, Padding = 1, Activation = Activation.Relu, Input = Network.Input)] public partial Layer B { get; }
    [GlobalAvgPool] public partial Layer BPool { get; }

    [Branch(2), Transfer(Format = WireFormat.Int8)]
    [Conv2D(4, Kernel = 1, Activation = Activation.Tanh, Input = Network.Input)] public partial Layer C { get; }
    [GlobalAvgPool] public partial Layer CPool { get; }

    [OnChip(3), Concat(nameof(APool), nameof(BPool), nameof(CPool))] public partial Layer Merge { get; }
    [Dense(3)] public partial Layer Logits { get; }
}
