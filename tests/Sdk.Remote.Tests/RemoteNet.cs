using Sdk;

namespace Sdk.Remote.Tests;

/// <summary>
/// Four chips, Float32 cuts: chip 0 stays with the caller, chips 1 to 3 run on hosts. A residual edge crosses the cut
/// 0 → 1 beside the main one, chip 2 has a BatchNorm (its running statistics travel back in training), and cuts 1 → 2
/// and 2 → 3 join two remote chips.
/// </summary>
[Network(InputShape = new[] { 3, 8, 8 })]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
[Link(1, 2, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
[Link(2, 3, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
public partial class RemoteNet
{
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }          // chip 0
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [OnChip(1), Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv2 { get; }
    [Add(nameof(Bn1))] public partial Layer Sum { get; }                                           // reads Bn1 across the cut
    [OnChip(2), MaxPool(2)] public partial Layer Pool { get; }
    [Conv2D(16, Kernel = 3, Padding = 1)] public partial Layer Conv3 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn3 { get; }
    [OnChip(3), GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
