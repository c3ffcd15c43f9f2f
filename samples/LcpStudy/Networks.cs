using Sdk;

namespace LcpStudy;

// One residual network for Fashion-MNIST (1 x 28 x 28): a stem, three residual blocks (the second and third
// halve the resolution, with 1x1 projection shortcuts), global average pooling, 10 logits. Four ways to put it on
// edge chips of 2 GFLOP/s each, every pair joined by its own 100 Mbit/s link (12.5 MB/s, 50 µs):
//
// - split layer-wise ([OnChip] at block boundaries) over 2 and 4 chips, widths 16/32/64;
// - [Lcp] with 2 and 4 branches of (about) the same parameter count: n branches of width w/√n hold n·(w/√n)² = w²
//   weights per layer, so the network written here is √n times wider and [Lcp] divides it by n: 22/46/90 for two
//   branches (each 11/23/45), 32/64/128 for four (each 8/16/32).
//
// The layer-wise networks send activations (and, in training, their gradients back) between chips; the LCP
// networks send the input once to each branch chip (no gradient back) and each branch's pooled features to the
// merge on chip 0.

/// <summary>Layer-wise over 2 chips: the stem and the first block on chip 0, the rest on chip 1 (one cut: 16 x 14 x 14).</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "edge0", Gflops = 2)]
[Chip(1, Name = "edge1", Gflops = 2)]
[Link(0, 1, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
public partial class LayerwiseTwo
{
    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer Stem { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer StemBn { get; }
    [MaxPool(2)] public partial Layer Pool { get; }
    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B1Bn1 { get; }
    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer B1Conv2 { get; }
    [BatchNorm] public partial Layer B1Bn2 { get; }
    [Add(nameof(Pool), Activation = Activation.Relu)] public partial Layer B1Out { get; }
    [OnChip(1), Conv2D(32, Stride = 2, Padding = 1, Bias = false)] public partial Layer B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B2Bn1 { get; }
    [Conv2D(32, Padding = 1, Bias = false)] public partial Layer B2Conv2 { get; }
    [BatchNorm] public partial Layer B2Bn2 { get; }
    [Conv2D(32, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B1Out))] public partial Layer B2Proj { get; }
    [BatchNorm] public partial Layer B2ProjBn { get; }
    [Add(nameof(B2Bn2), nameof(B2ProjBn), Activation = Activation.Relu)] public partial Layer B2Out { get; }
    [Conv2D(64, Stride = 2, Padding = 1, Bias = false)] public partial Layer B3Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B3Bn1 { get; }
    [Conv2D(64, Padding = 1, Bias = false)] public partial Layer B3Conv2 { get; }
    [BatchNorm] public partial Layer B3Bn2 { get; }
    [Conv2D(64, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B2Out))] public partial Layer B3Proj { get; }
    [BatchNorm] public partial Layer B3ProjBn { get; }
    [Add(nameof(B3Bn2), nameof(B3ProjBn), Activation = Activation.Relu)] public partial Layer B3Out { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>Layer-wise over 4 chips: stem and block 1, block 2, block 3, the pooled head (a cut per boundary, the projection shortcuts' sources crossing too).</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Chip(0, Name = "edge0", Gflops = 2)]
[Chip(1, Name = "edge1", Gflops = 2)]
[Chip(2, Name = "edge2", Gflops = 2)]
[Chip(3, Name = "edge3", Gflops = 2)]
[Link(0, 1, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(0, 2, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(0, 3, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(1, 2, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(1, 3, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(2, 3, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
public partial class LayerwiseFour
{
    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer Stem { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer StemBn { get; }
    [MaxPool(2)] public partial Layer Pool { get; }
    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B1Bn1 { get; }
    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer B1Conv2 { get; }
    [BatchNorm] public partial Layer B1Bn2 { get; }
    [Add(nameof(Pool), Activation = Activation.Relu)] public partial Layer B1Out { get; }
    [OnChip(1), Conv2D(32, Stride = 2, Padding = 1, Bias = false)] public partial Layer B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B2Bn1 { get; }
    [Conv2D(32, Padding = 1, Bias = false)] public partial Layer B2Conv2 { get; }
    [BatchNorm] public partial Layer B2Bn2 { get; }
    [Conv2D(32, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B1Out))] public partial Layer B2Proj { get; }
    [BatchNorm] public partial Layer B2ProjBn { get; }
    [Add(nameof(B2Bn2), nameof(B2ProjBn), Activation = Activation.Relu)] public partial Layer B2Out { get; }
    [OnChip(2), Conv2D(64, Stride = 2, Padding = 1, Bias = false)] public partial Layer B3Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B3Bn1 { get; }
    [Conv2D(64, Padding = 1, Bias = false)] public partial Layer B3Conv2 { get; }
    [BatchNorm] public partial Layer B3Bn2 { get; }
    [Conv2D(64, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B2Out))] public partial Layer B3Proj { get; }
    [BatchNorm] public partial Layer B3ProjBn { get; }
    [Add(nameof(B3Bn2), nameof(B3ProjBn), Activation = Activation.Relu)] public partial Layer B3Out { get; }
    [OnChip(3), GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>Two LCP branches of widths 11/23/45 (written 22/46/90), branch b on chip b, merged on chip 0.</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Lcp(Branches = 2)]
[Chip(0, Name = "edge0", Gflops = 2)]
[Chip(1, Name = "edge1", Gflops = 2)]
[Link(0, 1, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
public partial class LcpTwo
{
    [Conv2D(22, Padding = 1, Bias = false)] public partial Layer Stem { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer StemBn { get; }
    [MaxPool(2)] public partial Layer Pool { get; }
    [Conv2D(22, Padding = 1, Bias = false)] public partial Layer B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B1Bn1 { get; }
    [Conv2D(22, Padding = 1, Bias = false)] public partial Layer B1Conv2 { get; }
    [BatchNorm] public partial Layer B1Bn2 { get; }
    [Add(nameof(Pool), Activation = Activation.Relu)] public partial Layer B1Out { get; }
    [Conv2D(46, Stride = 2, Padding = 1, Bias = false)] public partial Layer B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B2Bn1 { get; }
    [Conv2D(46, Padding = 1, Bias = false)] public partial Layer B2Conv2 { get; }
    [BatchNorm] public partial Layer B2Bn2 { get; }
    [Conv2D(46, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B1Out))] public partial Layer B2Proj { get; }
    [BatchNorm] public partial Layer B2ProjBn { get; }
    [Add(nameof(B2Bn2), nameof(B2ProjBn), Activation = Activation.Relu)] public partial Layer B2Out { get; }
    [Conv2D(90, Stride = 2, Padding = 1, Bias = false)] public partial Layer B3Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B3Bn1 { get; }
    [Conv2D(90, Padding = 1, Bias = false)] public partial Layer B3Conv2 { get; }
    [BatchNorm] public partial Layer B3Bn2 { get; }
    [Conv2D(90, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B2Out))] public partial Layer B3Proj { get; }
    [BatchNorm] public partial Layer B3ProjBn { get; }
    [Add(nameof(B3Bn2), nameof(B3ProjBn), Activation = Activation.Relu)] public partial Layer B3Out { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>Four LCP branches of widths 8/16/32 (written 32/64/128), branch b on chip b, merged on chip 0.</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
[Lcp(Branches = 4)]
[Chip(0, Name = "edge0", Gflops = 2)]
[Chip(1, Name = "edge1", Gflops = 2)]
[Chip(2, Name = "edge2", Gflops = 2)]
[Chip(3, Name = "edge3", Gflops = 2)]
[Link(0, 1, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(0, 2, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(0, 3, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(1, 2, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(1, 3, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
[Link(2, 3, GigabytesPerSecond = 0.0125, LatencyMicroseconds = 50)]
public partial class LcpFour
{
    [Conv2D(32, Padding = 1, Bias = false)] public partial Layer Stem { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer StemBn { get; }
    [MaxPool(2)] public partial Layer Pool { get; }
    [Conv2D(32, Padding = 1, Bias = false)] public partial Layer B1Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B1Bn1 { get; }
    [Conv2D(32, Padding = 1, Bias = false)] public partial Layer B1Conv2 { get; }
    [BatchNorm] public partial Layer B1Bn2 { get; }
    [Add(nameof(Pool), Activation = Activation.Relu)] public partial Layer B1Out { get; }
    [Conv2D(64, Stride = 2, Padding = 1, Bias = false)] public partial Layer B2Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B2Bn1 { get; }
    [Conv2D(64, Padding = 1, Bias = false)] public partial Layer B2Conv2 { get; }
    [BatchNorm] public partial Layer B2Bn2 { get; }
    [Conv2D(64, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B1Out))] public partial Layer B2Proj { get; }
    [BatchNorm] public partial Layer B2ProjBn { get; }
    [Add(nameof(B2Bn2), nameof(B2ProjBn), Activation = Activation.Relu)] public partial Layer B2Out { get; }
    [Conv2D(128, Stride = 2, Padding = 1, Bias = false)] public partial Layer B3Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer B3Bn1 { get; }
    [Conv2D(128, Padding = 1, Bias = false)] public partial Layer B3Conv2 { get; }
    [BatchNorm] public partial Layer B3Bn2 { get; }
    [Conv2D(128, Kernel = 1, Stride = 2, Bias = false, Input = nameof(B2Out))] public partial Layer B3Proj { get; }
    [BatchNorm] public partial Layer B3ProjBn { get; }
    [Add(nameof(B3Bn2), nameof(B3ProjBn), Activation = Activation.Relu)] public partial Layer B3Out { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
