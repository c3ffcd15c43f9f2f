using Sdk;

namespace CompressionStudy;

/// <summary>
/// The study's deeper network: a CIFAR-style ResNet-14 for 1 x 28 x 28 inputs (a stem, three stages of two basic
/// blocks at 8, 16 and 32 channels, each stage after the first halving the resolution through a strided block
/// with a 1x1 projection shortcut, global average pooling, a dense head): 13 convolutions and 14 weighted layers deep
/// against FashionCnn's 2 and 4, at about the same MACs per sample (5.1 M against 4.2 M; CIFAR's 16/32/64 widths
/// would cost 4 times as much, too slow for the study's two hours on two cores). Split as declared at its early
/// cut, the entry of stage 2 (8 x 28 x 28 crosses, read by the block's first convolution and its projection); the
/// study moves the cut to the entry of stage 3 (16 x 14 x 14) as its late cut.
/// </summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "npu0", Gflops = 20)]
[Chip(1, Name = "npu1", Gflops = 20)]
[Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
public partial class StudyResNet
{
    private const int C1 = 8, C2 = 16, C3 = 32;

    [OnChip(0), Conv2D(C1, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Stem { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer StemBn { get; }

    [Conv2D(C1, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S1B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer S1B1Bn1 { get; }
    [Conv2D(C1, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S1B1Conv2 { get; }
    [BatchNorm] public partial Layer S1B1Bn2 { get; }
    [Add(nameof(StemBn), Activation = Activation.Relu)] public partial Layer S1B1Out { get; }

    [Conv2D(C1, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S1B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer S1B2Bn1 { get; }
    [Conv2D(C1, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S1B2Conv2 { get; }
    [BatchNorm] public partial Layer S1B2Bn2 { get; }
    [Add(nameof(S1B1Out), Activation = Activation.Relu)] public partial Layer S1B2Out { get; }

    [OnChip(1), Bottleneck(Ratio = 4)]
    [Conv2D(C2, Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer S2B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer S2B1Bn1 { get; }
    [Conv2D(C2, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S2B1Conv2 { get; }
    [BatchNorm] public partial Layer S2B1Bn2 { get; }
    [Conv2D(C2, Kernel = 1, Stride = 2, Bias = false, Input = nameof(S1B2Out))] public partial Layer S2B1Proj { get; }
    [BatchNorm] public partial Layer S2B1ProjBn { get; }
    [Add(nameof(S2B1Bn2), Activation = Activation.Relu)] public partial Layer S2B1Out { get; }

    [Conv2D(C2, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S2B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer S2B2Bn1 { get; }
    [Conv2D(C2, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S2B2Conv2 { get; }
    [BatchNorm] public partial Layer S2B2Bn2 { get; }
    [Add(nameof(S2B1Out), Activation = Activation.Relu)] public partial Layer S2B2Out { get; }

    [Conv2D(C3, Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer S3B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer S3B1Bn1 { get; }
    [Conv2D(C3, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S3B1Conv2 { get; }
    [BatchNorm] public partial Layer S3B1Bn2 { get; }
    [Conv2D(C3, Kernel = 1, Stride = 2, Bias = false, Input = nameof(S2B2Out))] public partial Layer S3B1Proj { get; }
    [BatchNorm] public partial Layer S3B1ProjBn { get; }
    [Add(nameof(S3B1Bn2), Activation = Activation.Relu)] public partial Layer S3B1Out { get; }

    [Conv2D(C3, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S3B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer S3B2Bn1 { get; }
    [Conv2D(C3, Kernel = 3, Padding = 1, Bias = false)] public partial Layer S3B2Conv2 { get; }
    [BatchNorm] public partial Layer S3B2Bn2 { get; }
    [Add(nameof(S3B1Out), Activation = Activation.Relu)] public partial Layer S3B2Out { get; }

    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
