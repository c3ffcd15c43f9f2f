using Sdk;

namespace Samples.Nets;

// Three chips, three ways to cross: a 1/4 bottleneck sent as Int8, a BFloat16 feature map, and a
// vector through a 1/3 dense bottleneck as Float16.
[Network(InputShape = new[] { 3, 32, 32 })]
[Chip(0, Name = "sensor", Gflops = 10)]
[Chip(1, Name = "npu", Gflops = 40)]
[Chip(2, Name = "mcu", Gflops = 1)]
[Link(0, 1, GigabytesPerSecond = 0.1, LatencyMicroseconds = 10, BudgetBytesPerSample = 8192)]
[Link(1, 2, GigabytesPerSecond = 0.01, LatencyMicroseconds = 50)]
public partial class CompressedNet
{
    [Conv2D(24, Kernel = 5, Stride = 2, Padding = 2, Activation = Activation.Relu6)] public partial Layer Stem { get; }

    [OnChip(1), Bottleneck(Ratio = 4), Transfer(Format = WireFormat.Int8)]
    [Conv2D(48, Kernel = 3, Padding = 2, Dilation = 2, Activation = Activation.Gelu)]
    public partial Layer Body { get; }

    [Concat(nameof(Body), nameof(Stem))] public partial Layer Joined { get; }
    [MaxPool(3, Stride = 2, Padding = 1)] public partial Layer Pool { get; }
    [Dense(96, Activation = Activation.Tanh)] public partial Layer Features { get; }
    [Dropout(0.25)] public partial Layer Drop { get; }

    [OnChip(2), Bottleneck(Ratio = 3), Transfer(Format = WireFormat.Float16)]
    [Dense(10, Activation = Activation.Sigmoid)]
    public partial Layer Head { get; }
}
