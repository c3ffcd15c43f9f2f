using Sdk;

namespace Samples.Nets;

// A residual block whose skip edge crosses the cut: Conv1 (chip 0) feeds Conv2 (chip 0) and, by a skip edge,
// the Add on chip 1. Two tensors cross: Conv2's output and Conv1's.
[Network(InputShape = new[] { 8, 16, 16 })]
[Link(0, 1, GigabytesPerSecond = 2, LatencyMicroseconds = 1)]
public partial class ResidualNet
{
    [Conv2D(16, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(16, Kernel = 3, Padding = 1)] public partial Layer Conv2 { get; }
    [OnChip(1), Conv2D(16, Kernel = 3, Padding = 1, Groups = 4)] public partial Layer Conv3 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [AvgPool(2)] public partial Layer Pool { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(4)] public partial Layer Out { get; }
    [Softmax] public partial Layer Probs { get; }
}
