using Sdk;

// Networks the ONNX export is checked on (OnnxExporterTests): each runs in ONNX Runtime and in the reference interpreter.
namespace Sdk.Runtime.Tests.Networks
{
    // The sequential CNN of DESIGN.md: Fashion-MNIST sized, two chips, the cut through a 1/8 bottleneck.
    [Network(InputShape = new[] { 1, 28, 28 })]
    [Chip(0, Name = "npu0", Gflops = 20)]
    [Chip(1, Name = "npu1", Gflops = 20)]
    [Link(0, 1, GigabytesPerSecond = 0.5, LatencyMicroseconds = 2)]
    public partial class FashionCnn
    {
        [OnChip(0), Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv1 { get; }
        [MaxPool(2)] public partial Layer Pool1 { get; }

        [OnChip(1), Bottleneck(Ratio = 8)]
        [Conv2D(64, Kernel = 3, Padding = 1, Activation = Activation.Relu)]
        public partial Layer Conv2 { get; }

        [MaxPool(2)] public partial Layer Pool2 { get; }
        [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
        [Dense(10)] public partial Layer Logits { get; }
    }

    // A residual block whose skip edge crosses the cut: Bn1 (chip 0) is read by Conv2 on chip 0 and by Sum on chip 1;
    // Conv2's output crosses too. BatchNorm, a conv without bias, a grouped conv, average and global pooling, softmax.
    [Network(InputShape = new[] { 8, 16, 16 })]
    public partial class ResidualSkip
    {
        [Conv2D(16, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
        [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
        [Conv2D(16, Kernel = 3, Padding = 1)] public partial Layer Conv2 { get; }
        [OnChip(1), Conv2D(16, Kernel = 3, Padding = 1, Groups = 4)] public partial Layer Conv3 { get; }
        [BatchNorm] public partial Layer Bn3 { get; }
        [Add(nameof(Bn1), Activation = Activation.Relu)] public partial Layer Sum { get; }
        [AvgPool(2)] public partial Layer Pool { get; }
        [GlobalAvgPool] public partial Layer Gap { get; }
        [Flatten] public partial Layer Flat { get; }
        [Dense(4)] public partial Layer Out { get; }
        [Softmax] public partial Layer Probs { get; }
    }

    // Every wire format and every activation. One tensor (Stem) crosses to three chips in three formats; the Int8 cut
    // goes through a bottleneck. Chip 0 holds only layers that are exact in float32 on dyadic data (see the tests).
    [Network(InputShape = new[] { 4, 8, 8 })]
    public partial class WireFormats
    {
        [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Stem { get; }

        [OnChip(1), Transfer(Format = WireFormat.Float16)]
        [Conv2D(8, Kernel = 3, Padding = 1, Input = nameof(Stem), Activation = Activation.Gelu)]
        public partial Layer HalfBranch { get; }

        [OnChip(2), Transfer(Format = WireFormat.BFloat16)]
        [Conv2D(8, Kernel = 1, Input = nameof(Stem), Activation = Activation.Tanh)]
        public partial Layer BrainBranch { get; }

        [OnChip(3), Bottleneck(Ratio = 2), Transfer(Format = WireFormat.Int8)]
        [Conv2D(8, Kernel = 3, Padding = 1, Input = nameof(Stem), Activation = Activation.Sigmoid)]
        public partial Layer QuantBranch { get; }

        [Add(nameof(HalfBranch), nameof(BrainBranch), nameof(QuantBranch), Activation = Activation.Relu6)] public partial Layer Sum { get; }
        [MaxPool(3, Stride = 2, Padding = 1)] public partial Layer Pool { get; }
        [AvgPool(3, Stride = 1, Padding = 1)] public partial Layer Smooth { get; }
        [Activate(Activation.Gelu)] public partial Layer Act { get; }
        [GlobalAvgPool] public partial Layer Gap { get; }
        [Flatten] public partial Layer Flat { get; }
        [Dense(5)] public partial Layer Out { get; }
        [Softmax] public partial Layer Probs { get; }
    }

    // Vectors only: a dense bottleneck sent as Int8, a Float16 skip edge (Fc1 -> Joined), BatchNorm over features,
    // dropout, a concat of vectors.
    [Network(InputShape = new[] { 24 })]
    public partial class VectorOnly
    {
        [Dense(16, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
        [Dense(16, Activation = Activation.Relu6)] public partial Layer Fc2 { get; }

        [OnChip(1), Bottleneck(Ratio = 4), Transfer(Format = WireFormat.Int8)]
        [Dense(12, Activation = Activation.Gelu)]
        public partial Layer Fc3 { get; }

        [BatchNorm(Activation = Activation.Tanh)] public partial Layer Bn { get; }
        [Dropout(0.5)] public partial Layer Drop { get; }
        [Transfer(Format = WireFormat.Float16), Concat(nameof(Drop), nameof(Fc1))] public partial Layer Joined { get; }
        [Dense(5, Activation = Activation.Sigmoid)] public partial Layer Fc4 { get; }
        [Softmax] public partial Layer Probs { get; }
    }

    // Int8 with a sample that is all zero at the cut (scale 0): the export must send zeros, not 0/0.
    [Network(InputShape = new[] { 2, 3, 3 })]
    public partial class ZeroScale
    {
        [Activate(Activation.Relu)] public partial Layer Pos { get; }
        [OnChip(1), Transfer(Format = WireFormat.Int8), Conv2D(3, Kernel = 1)] public partial Layer Head { get; }
    }
}

namespace Sdk.Runtime.Tests.Networks
{
    // The output is exactly what chips 1 to 5 receive of the input: Float16, BFloat16, Int8, 13-bit and 6-bit truncated copies, side by side.
    [Network(InputShape = new[] { 4, 4, 4 })]
    public partial class WireEcho
    {
        [Dropout(0)] public partial Layer Src { get; }
        [OnChip(1), Transfer(Format = WireFormat.Float16), Dropout(0, Input = nameof(Src))] public partial Layer Half { get; }
        [OnChip(2), Transfer(Format = WireFormat.BFloat16), Dropout(0, Input = nameof(Src))] public partial Layer Brain { get; }
        [OnChip(3), Transfer(Format = WireFormat.Int8), Dropout(0, Input = nameof(Src))] public partial Layer Quant { get; }
        [OnChip(4), Transfer(Format = WireFormat.Truncated, Bits = 13), Dropout(0, Input = nameof(Src))] public partial Layer Cut13 { get; }
        [OnChip(5), Transfer(Format = WireFormat.Truncated, Bits = 6), Dropout(0, Input = nameof(Src))] public partial Layer Cut6 { get; }
        [Concat(nameof(Half), nameof(Brain), nameof(Quant), nameof(Cut13), nameof(Cut6))] public partial Layer All { get; }
    }
}

namespace Sdk.Runtime.Tests.Networks
{
    // Layers named like the model's input and output, and a dropout last: the export must still name every value once.
    [Network(InputShape = new[] { 6 })]
    public partial class OddNames
    {
        [Dense(5, Activation = Activation.Tanh)] public partial Layer input { get; }
        [Dense(4)] public partial Layer output { get; }
        [Dropout(0.1)] public partial Layer Last { get; }
    }
}
