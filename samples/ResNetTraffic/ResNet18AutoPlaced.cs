using Sdk;

namespace ResNetTraffic;

/// <summary>CIFAR ResNet-18 on 4 chips, placed by the compiler: the split that minimises the pipeline max-load.</summary>
[Network(InputShape = new[] { 3, 32, 32 }, Placement = PlacementMode.Auto)]
[Chip(0, Name = "npu0", Gflops = 25, MemoryKiB = 65536)]
[Chip(1, Name = "npu1", Gflops = 25, MemoryKiB = 65536)]
[Chip(2, Name = "npu2", Gflops = 25, MemoryKiB = 65536)]
[Chip(3, Name = "npu3", Gflops = 25, MemoryKiB = 65536)]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
[Link(1, 2, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
[Link(2, 3, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
public partial class ResNet18AutoPlaced
{
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Stem { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer StemBn { get; }
    [Conv2D(64, Kernel = 3, Stride = 1, Padding = 1, Bias = false)] public partial Layer L1B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L1B1Bn1 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L1B1Conv2 { get; }
    [BatchNorm] public partial Layer L1B1Bn2 { get; }
    [Add(nameof(StemBn), Activation = Activation.Relu)] public partial Layer L1B1Out { get; }
    [Conv2D(64, Kernel = 3, Stride = 1, Padding = 1, Bias = false)] public partial Layer L1B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L1B2Bn1 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L1B2Conv2 { get; }
    [BatchNorm] public partial Layer L1B2Bn2 { get; }
    [Add(nameof(L1B1Out), Activation = Activation.Relu)] public partial Layer L1B2Out { get; }
    [Conv2D(128, Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer L2B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L2B1Bn1 { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L2B1Conv2 { get; }
    [BatchNorm] public partial Layer L2B1Bn2 { get; }
    [Conv2D(128, Kernel = 1, Stride = 2, Bias = false, Input = nameof(L1B2Out))] public partial Layer L2B1Proj { get; }
    [BatchNorm] public partial Layer L2B1ProjBn { get; }
    [Add(nameof(L2B1Bn2), nameof(L2B1ProjBn), Activation = Activation.Relu)] public partial Layer L2B1Out { get; }
    [Conv2D(128, Kernel = 3, Stride = 1, Padding = 1, Bias = false)] public partial Layer L2B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L2B2Bn1 { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L2B2Conv2 { get; }
    [BatchNorm] public partial Layer L2B2Bn2 { get; }
    [Add(nameof(L2B1Out), Activation = Activation.Relu)] public partial Layer L2B2Out { get; }
    [Conv2D(256, Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer L3B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L3B1Bn1 { get; }
    [Conv2D(256, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L3B1Conv2 { get; }
    [BatchNorm] public partial Layer L3B1Bn2 { get; }
    [Conv2D(256, Kernel = 1, Stride = 2, Bias = false, Input = nameof(L2B2Out))] public partial Layer L3B1Proj { get; }
    [BatchNorm] public partial Layer L3B1ProjBn { get; }
    [Add(nameof(L3B1Bn2), nameof(L3B1ProjBn), Activation = Activation.Relu)] public partial Layer L3B1Out { get; }
    [Conv2D(256, Kernel = 3, Stride = 1, Padding = 1, Bias = false)] public partial Layer L3B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L3B2Bn1 { get; }
    [Conv2D(256, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L3B2Conv2 { get; }
    [BatchNorm] public partial Layer L3B2Bn2 { get; }
    [Add(nameof(L3B1Out), Activation = Activation.Relu)] public partial Layer L3B2Out { get; }
    [Conv2D(512, Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer L4B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L4B1Bn1 { get; }
    [Conv2D(512, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L4B1Conv2 { get; }
    [BatchNorm] public partial Layer L4B1Bn2 { get; }
    [Conv2D(512, Kernel = 1, Stride = 2, Bias = false, Input = nameof(L3B2Out))] public partial Layer L4B1Proj { get; }
    [BatchNorm] public partial Layer L4B1ProjBn { get; }
    [Add(nameof(L4B1Bn2), nameof(L4B1ProjBn), Activation = Activation.Relu)] public partial Layer L4B1Out { get; }
    [Conv2D(512, Kernel = 3, Stride = 1, Padding = 1, Bias = false)] public partial Layer L4B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer L4B2Bn1 { get; }
    [Conv2D(512, Kernel = 3, Padding = 1, Bias = false)] public partial Layer L4B2Conv2 { get; }
    [BatchNorm] public partial Layer L4B2Bn2 { get; }
    [Add(nameof(L4B1Out), Activation = Activation.Relu)] public partial Layer L4B2Out { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
