namespace Sdk.Runtime.Tests.Networks;

/// <summary>
/// The Fashion CNN's pattern, with odd sizes: a grey 3x3 stem (the depthwise stencil, its max pool fused) whose pooled
/// output only the next padded 3x3 convolution reads (indirect positions, its own pool fused). On CPU chips, from a
/// batch of two samples per thread, the stem writes its pooled planes inside the next layer's padding and that layer
/// reads them in place (CpuInferenceExecutor.HandOffPaddedInputs). A 26x22 input pools to 13x11, odd on both sides.
/// </summary>
[Network(InputShape = new[] { 1, 26, 22 })]
public partial class BorderedHandOffNet
{
    [Conv2D(16, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Stem { get; }
    [MaxPool(2)] public partial Layer Pool1 { get; }
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv2 { get; }
    [MaxPool(2)] public partial Layer Pool2 { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
