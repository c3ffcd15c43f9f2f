using Sdk;

namespace Samples.Nets;

// The sequential CNN of DESIGN.md: two chips, the cut goes through a 1/8 bottleneck.
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20, MemoryKiB = 1024)]
[Chip(1, Name = "npu1", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class FashionNet
{
    [OnChip(0)]
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.Relu)]
    public partial Layer Conv1 { get; }

    [MaxPool(2)]
    public partial Layer Pool1 { get; }

    [OnChip(1), Bottleneck(Ratio = 8)]
    [Conv2D(64, Kernel = 3, Padding = 1, Activation = Activation.Relu)]
    public partial Layer Conv2 { get; }

    [MaxPool(2)] public partial Layer Pool2 { get; }
    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
