using Sdk;

namespace Samples.Nets;

// The compiler places the layers on three chips of different speeds (placement is its own cached step).
[Network(InputShape = new[] { 3, 16, 16 }, Placement = PlacementMode.Auto)]
[Chip(0, Name = "fast", Gflops = 40, MemoryKiB = 4096)]
[Chip(1, Name = "slow", Gflops = 5, MemoryKiB = 4096)]
[Chip(2, Name = "mid", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
[Link(1, 2, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
public partial class AutoPlacedNet
{
    [Conv2D(16, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Stem { get; }
    [Conv2D(16, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Body { get; }
    [Add(nameof(Stem))] public partial Layer Sum { get; }
    [MaxPool(2)] public partial Layer Pool { get; }
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Deep { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
