using Sdk;

namespace Samples.Nets;

// A residual network written once; [Lcp] derives two half-width copies of Conv1..Pool, copy b on chip b, merged
// by a Concat on chip 0 before Logits. The input crosses to chip 1; b1.Pool's 4 features cross back.
[Network(InputShape = new[] { 3, 8, 8 })]
[Lcp(Branches = 2)]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 1)]
public partial class LcpNet
{
    [Conv2D(8, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Padding = 1)] public partial Layer Conv2 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
