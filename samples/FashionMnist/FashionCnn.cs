using Sdk;

namespace FashionMnistSample;

/// <summary>
/// A small CNN for Fashion-MNIST split over two chips. The cut after the first block (32 x 14 x 14) goes through a
/// learned 1/4 bottleneck: the compiler inserts a 1x1 encoder (32 -> 8 channels) on chip 0 and a decoder (8 -> 32)
/// on chip 1, so 8 x 14 x 14 floats (6272 B) cross per sample forward, and their gradient comes back in training.
/// </summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20, MemoryKiB = 1024)]
[Chip(1, Name = "npu1", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class FashionCnn
{
    [OnChip(0), Conv2D(32, Kernel = 3, Padding = 1, Bias = false)]
    public partial Layer Conv1 { get; }

    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }

    [MaxPool(2)] public partial Layer Pool1 { get; }

    [OnChip(1), Bottleneck(Ratio = 4)]
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)]
    public partial Layer Conv2 { get; }

    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn2 { get; }

    [MaxPool(2)] public partial Layer Pool2 { get; }

    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }

    [Dropout(0.3)] public partial Layer Drop { get; }

    [Dense(10)] public partial Layer Logits { get; }
}
