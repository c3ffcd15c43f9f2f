using Sdk;

namespace Sdk.Runtime.Tests.Training;

// Small networks for the finite-difference gradient checks: one per layer kind, each with parameters before the
// layer under test so that its input gradient is checked through them. Smooth activations where possible
// (central differences across a ReLU kink or a max-pool argmax switch are not derivatives).

/// <summary>Conv2D: plain, then grouped + dilated + strided + padded, fused Tanh and Sigmoid, no bias on one.</summary>
[Network(InputShape = new[] { 2, 7, 7 })]
public partial class GradConv
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Conv2D(6, Kernel = 3, Stride = 2, Padding = 2, Dilation = 2, Groups = 2, Activation = Activation.Sigmoid)] public partial Layer B { get; }
    [Conv2D(4, Kernel = 2, Bias = false, Activation = Activation.Gelu)] public partial Layer C { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>Dense on a [C, H, W] input (flattened), fused Tanh and Gelu.</summary>
[Network(InputShape = new[] { 2, 3, 3 })]
public partial class GradDense
{
    [Dense(7, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Dense(5, Activation = Activation.Gelu)] public partial Layer B { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>MaxPool: non-overlapping and overlapping padded windows.</summary>
[Network(InputShape = new[] { 2, 8, 8 })]
public partial class GradMaxPool
{
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [MaxPool(2)] public partial Layer P1 { get; }
    [MaxPool(3, Stride = 2, Padding = 1)] public partial Layer P2 { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>AvgPool with padding (excluded from the average) and overlap.</summary>
[Network(InputShape = new[] { 2, 7, 7 })]
public partial class GradAvgPool
{
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [AvgPool(3, Stride = 2, Padding = 1)] public partial Layer P { get; }
    [Dense(3)] public partial Layer Out { get; }
}

[Network(InputShape = new[] { 2, 6, 6 })]
public partial class GradGlobalAvgPool
{
    [Conv2D(5, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [GlobalAvgPool] public partial Layer G { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>BatchNorm in training: over a feature map (after a bias-free convolution) and over a vector, with activations.</summary>
[Network(InputShape = new[] { 2, 5, 5 })]
public partial class GradBatchNorm
{
    [Conv2D(4, Kernel = 3, Padding = 1, Bias = false)] public partial Layer A { get; }
    [BatchNorm(Activation = Activation.Tanh)] public partial Layer Bn1 { get; }
    [Dense(6)] public partial Layer Fc { get; }
    [BatchNorm(Activation = Activation.Gelu)] public partial Layer Bn2 { get; }
    [Dense(3)] public partial Layer Out { get; }
}

[Network(InputShape = new[] { 2, 4, 4 })]
public partial class GradFlatten
{
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Flatten] public partial Layer F { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>A Softmax in the middle of the network (not the last layer).</summary>
[Network(InputShape = new[] { 6 })]
public partial class GradSoftmax
{
    [Dense(5)] public partial Layer A { get; }
    [Softmax] public partial Layer S { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>Every activation function as a layer of its own.</summary>
[Network(InputShape = new[] { 6 })]
public partial class GradActivation
{
    [Dense(6)] public partial Layer A { get; }
    [Activate(Activation.Gelu)] public partial Layer Gelu { get; }
    [Dense(6)] public partial Layer B { get; }
    [Activate(Activation.Sigmoid)] public partial Layer Sigmoid { get; }
    [Dense(6)] public partial Layer C { get; }
    [Activate(Activation.Tanh)] public partial Layer Tanh { get; }
    [Dense(6)] public partial Layer D { get; }
    [Activate(Activation.Relu)] public partial Layer Relu { get; }
    [Dense(6)] public partial Layer E { get; }
    [Activate(Activation.Relu6)] public partial Layer Relu6 { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>Add of three tensors; A is read by B, by C and by the sum (its gradient accumulates from three readers).</summary>
[Network(InputShape = new[] { 2, 5, 5 })]
public partial class GradAdd
{
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Sigmoid)] public partial Layer B { get; }
    [Conv2D(3, Kernel = 1, Input = nameof(A))] public partial Layer C { get; }
    [Add(nameof(A), nameof(B), nameof(C), Activation = Activation.Tanh)] public partial Layer Sum { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>Concat of the previous layer and an earlier one (which is read twice).</summary>
[Network(InputShape = new[] { 2, 4, 4 })]
public partial class GradConcat
{
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Conv2D(2, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer B { get; }
    [Concat(nameof(A))] public partial Layer Cat { get; }
    [Dense(3)] public partial Layer Out { get; }
}

[Network(InputShape = new[] { 6 })]
public partial class GradDropout
{
    [Dense(10, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Dropout(0.5)] public partial Layer Drop { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>A convolutional bottleneck (chip 0 -> 1) and a dense bottleneck (chip 1 -> 2); the encoders and decoders are inserted by the compiler.</summary>
[Network(InputShape = new[] { 2, 5, 5 })]
public partial class GradBottleneck
{
    [Conv2D(6, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [OnChip(1), Bottleneck(Ratio = 2)] [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer B { get; }
    [Dense(6, Activation = Activation.Tanh)] public partial Layer Fc { get; }
    [OnChip(2), Bottleneck(Ratio = 3)] [Dense(3)] public partial Layer Out { get; }
}

/// <summary>A tensor read on its own chip and across the cut: its gradient is the cut's backward transfer plus the local reader's.</summary>
[Network(InputShape = new[] { 2, 5, 5 })]
public partial class GradCutSkip
{
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Conv2D(3, Kernel = 3, Padding = 1, Activation = Activation.Tanh)] public partial Layer B { get; }
    [OnChip(1), Conv2D(3, Kernel = 1, Activation = Activation.Sigmoid)] public partial Layer C { get; }
    [Add(nameof(A))] public partial Layer Sum { get; }
    [Dense(3)] public partial Layer Out { get; }
}

/// <summary>The last layer is a Softmax: the loss is computed from its input (the logits).</summary>
[Network(InputShape = new[] { 6 })]
public partial class GradSoftmaxLoss
{
    [Dense(7, Activation = Activation.Tanh)] public partial Layer A { get; }
    [Dense(4)] public partial Layer Logits { get; }
    [Softmax] public partial Layer Probs { get; }
}
