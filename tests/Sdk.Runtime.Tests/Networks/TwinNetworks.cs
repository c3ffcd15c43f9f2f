using Sdk;

namespace Sdk.Runtime.Tests.Networks;

// Pairs of networks with the same layers: one split over chips, one on a single chip. Parameters with the
// same names are copied between twins, so their outputs must agree.

/// <summary>Conv, BatchNorm (folded), pooling, a residual skip edge across the cut, dense head, softmax.</summary>
[Network(InputShape = new[] { 3, 12, 12 })]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 1)]
public partial class SplitResidual
{
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer Conv2 { get; }
    [OnChip(1), Conv2D(8, Kernel = 3, Padding = 1, Groups = 2, Activation = Activation.Relu6)] public partial Layer Conv3 { get; }
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

[Network(InputShape = new[] { 3, 12, 12 })]
public partial class SingleResidual
{
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer Conv2 { get; }
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

/// <summary>Three chips: a 1/4 convolutional bottleneck and a 1/2 dense bottleneck.</summary>
[Network(InputShape = new[] { 4, 8, 8 })]
public partial class SplitBottleneck
{
    [Conv2D(16, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Stem { get; }
    [OnChip(1), Bottleneck(Ratio = 4)] [Conv2D(12, Kernel = 3, Stride = 2, Padding = 1, Dilation = 1)] public partial Layer Body { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(20, Activation = Activation.Relu)] public partial Layer Hidden { get; }
    [OnChip(2), Bottleneck(Ratio = 2)] [Dense(6)] public partial Layer Out { get; }
}

/// <summary>The same, with the bottleneck layers written out.</summary>
[Network(InputShape = new[] { 4, 8, 8 })]
public partial class SingleBottleneck
{
    [Conv2D(16, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Stem { get; }
    [Conv2D(4, Kernel = 1)] public partial Layer BodyEncoder { get; }
    [Conv2D(16, Kernel = 1)] public partial Layer BodyDecoder { get; }
    [Conv2D(12, Kernel = 3, Stride = 2, Padding = 1, Dilation = 1)] public partial Layer Body { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(20, Activation = Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer OutEncoder { get; }
    [Dense(20)] public partial Layer OutDecoder { get; }
    [Dense(6)] public partial Layer Out { get; }
}

/// <summary>One cut per wire format, each into a different chip.</summary>
[Network(InputShape = new[] { 6, 10, 10 })]
public partial class ChainedWireFormats
{
    [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer A { get; }
    [OnChip(1), Transfer(Format = WireFormat.Float16)] [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer B { get; }
    [OnChip(2), Transfer(Format = WireFormat.BFloat16)] [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer C { get; }
    [OnChip(3), Transfer(Format = WireFormat.Int8)] [GlobalAvgPool] public partial Layer D { get; }
    [Dense(7)] public partial Layer Out { get; }
}

/// <summary>The same layers with Float32 cuts.</summary>
[Network(InputShape = new[] { 6, 10, 10 })]
public partial class ChainedWireFormatsFloat32
{
    [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer A { get; }
    [OnChip(1)] [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer B { get; }
    [OnChip(2)] [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer C { get; }
    [OnChip(3)] [GlobalAvgPool] public partial Layer D { get; }
    [Dense(7)] public partial Layer Out { get; }
}
