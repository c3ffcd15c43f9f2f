namespace Sdk.Runtime.Tests.Networks;

/// <summary>
/// Residual Adds the CPU backend runs in a convolution's epilogue, and one it cannot: Sum (Conv2 + its folded BatchNorm,
/// shortcut Bn1, Relu) and Sum2 (Conv3 on the right of the Add, Relu6) fuse, and so does Down (Conv4, whose shortcut
/// Proj comes later in the plan and is a strided 1x1 on im2col, which cannot take the Add: Proj runs just before Conv4).
/// 32 channels and depth ≥ 32 put the 3x3s on indirect positions; a 10x9 map (90 positions) runs several samples to a
/// task at batch 3.
/// </summary>
[Network(InputShape = new[] { 8, 10, 9 })]
public partial class ResidualFusionNet
{
    [Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm] public partial Layer Bn2 { get; }
    [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
    [Conv2D(32, Kernel = 3, Padding = 1)] public partial Layer Conv3 { get; }
    [Add(nameof(Sum), nameof(Conv3), Activation = Activation.Relu6)] public partial Layer Sum2 { get; }
    [Conv2D(32, Kernel = 3, Stride = 2, Padding = 1)] public partial Layer Conv4 { get; }
    [Conv2D(32, Kernel = 1, Stride = 2, Input = nameof(Sum2))] public partial Layer Proj { get; }
    [Add(nameof(Conv4), nameof(Proj))] public partial Layer Down { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
