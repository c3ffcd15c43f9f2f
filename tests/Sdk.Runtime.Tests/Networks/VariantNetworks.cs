using Sdk;

namespace Sdk.Runtime.Tests.Networks;

// Declared twins of plan variants (tests/Sdk.Runtime.Tests/Compression/PlanVariantTests.cs): each class is what
// one With... edit of samples/FashionMnist's FashionCnn (or of SplitResidual, TwinNetworks.cs) says, written as
// attributes, so the generator compiled it at build time.

/// <summary>FashionCnn with a 1/16 bottleneck: <c>WithBottleneck("Conv2", 16)</c>.</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20, MemoryKiB = 1024)]
[Chip(1, Name = "npu1", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class FashionCnnRatio16
{
    [OnChip(0), Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [MaxPool(2)] public partial Layer Pool1 { get; }
    [OnChip(1), Bottleneck(Ratio = 16)]
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn2 { get; }
    [MaxPool(2)] public partial Layer Pool2 { get; }
    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
    [Dropout(0.3)] public partial Layer Drop { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>FashionCnn without its bottleneck, the cut sent as Float16: <c>WithBottleneck("Conv2", null).WithTransfer("Conv2", WireFormat.Float16)</c>.</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20, MemoryKiB = 1024)]
[Chip(1, Name = "npu1", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class FashionCnnHalfWire
{
    [OnChip(0), Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [MaxPool(2)] public partial Layer Pool1 { get; }
    [OnChip(1), Transfer(Format = WireFormat.Float16)]
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn2 { get; }
    [MaxPool(2)] public partial Layer Pool2 { get; }
    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
    [Dropout(0.3)] public partial Layer Drop { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>FashionCnn without its bottleneck, the cut sent truncated to 12 bits: <c>WithBottleneck("Conv2", null).WithTransfer("Conv2", WireFormat.Truncated, 12)</c>.</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20, MemoryKiB = 1024)]
[Chip(1, Name = "npu1", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class FashionCnnTruncatedWire
{
    [OnChip(0), Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [MaxPool(2)] public partial Layer Pool1 { get; }
    [OnChip(1), Transfer(Format = WireFormat.Truncated, Bits = 12)]
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn2 { get; }
    [MaxPool(2)] public partial Layer Pool2 { get; }
    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
    [Dropout(0.3)] public partial Layer Drop { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>
/// FashionCnn cut late, before its dense head, with a 1/8 bottleneck:
/// <c>WithChip("Fc1", 1).WithChip("Conv2", null).WithBottleneck("Conv2", null).WithBottleneck("Fc1", 8)</c>.
/// </summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20, MemoryKiB = 1024)]
[Chip(1, Name = "npu1", Gflops = 20, MemoryKiB = 4096)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class FashionCnnLateCut
{
    [OnChip(0), Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [MaxPool(2)] public partial Layer Pool1 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn2 { get; }
    [MaxPool(2)] public partial Layer Pool2 { get; }
    [OnChip(1), Bottleneck(Ratio = 8)]
    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
    [Dropout(0.3)] public partial Layer Drop { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>
/// SplitResidual with its cut moved after the residual sum (one cut instead of two), through a 1/2 bottleneck:
/// <c>WithChip("Conv3", null).WithChip("Pool", 1).WithBottleneck("Pool", 2)</c>.
/// </summary>
[Network(InputShape = new[] { 3, 12, 12 })]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 1)]
public partial class SplitResidualMoved
{
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer Conv2 { get; }
    [Conv2D(8, Kernel = 3, Padding = 1, Groups = 2, Activation = Activation.Relu6)] public partial Layer Conv3 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [OnChip(1), Bottleneck(Ratio = 2), MaxPool(2)] public partial Layer Pool { get; }
    [Concat(nameof(Pool))] public partial Layer Twice { get; }
    [AvgPool(3, Stride = 2, Padding = 1)] public partial Layer Avg { get; }
    [BatchNorm(Activation = Activation.Tanh)] public partial Layer Bn2 { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10, Activation = Activation.Sigmoid)] public partial Layer Fc { get; }
    [Activate(Activation.Gelu)] public partial Layer Act { get; }
    [Dropout(0.5)] public partial Layer Drop { get; }
    [Dense(5)] public partial Layer Logits { get; }
    [Softmax] public partial Layer Probs { get; }
}

/// <summary>SplitResidual with a 1/4 bottleneck on the cut into Conv3 (the skip edge from Bn1 into Sum crosses unnarrowed): <c>WithBottleneck("Conv3", 4)</c>.</summary>
[Network(InputShape = new[] { 3, 12, 12 })]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 1)]
public partial class SplitResidualNarrowed
{
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer Conv2 { get; }
    [OnChip(1), Bottleneck(Ratio = 4)]
    [Conv2D(8, Kernel = 3, Padding = 1, Groups = 2, Activation = Activation.Relu6)] public partial Layer Conv3 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [MaxPool(2)] public partial Layer Pool { get; }
    [Concat(nameof(Pool))] public partial Layer Twice { get; }
    [AvgPool(3, Stride = 2, Padding = 1)] public partial Layer Avg { get; }
    [BatchNorm(Activation = Activation.Tanh)] public partial Layer Bn2 { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10, Activation = Activation.Sigmoid)] public partial Layer Fc { get; }
    [Activate(Activation.Gelu)] public partial Layer Act { get; }
    [Dropout(0.5)] public partial Layer Drop { get; }
    [Dense(5)] public partial Layer Logits { get; }
    [Softmax] public partial Layer Probs { get; }
}
