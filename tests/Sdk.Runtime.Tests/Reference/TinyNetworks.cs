using Sdk;

// Tiny networks whose outputs ReferenceInterpreterTests works out by hand. Dropout(0) is an identity layer, used
// where a network needs a first layer that only passes the input on.
namespace Sdk.Runtime.Tests.Reference.Tiny
{
    [Network(InputShape = new[] { 2, 4, 4 })]
    public partial class GroupedConvNet
    {
        [Conv2D(2, Kernel = 2, Stride = 2, Padding = 1, Groups = 2, Activation = Activation.Relu)] public partial Layer Conv { get; }
    }

    [Network(InputShape = new[] { 1, 5, 5 })]
    public partial class DilatedConvNet
    {
        [Conv2D(1, Kernel = 2, Dilation = 2, Bias = false)] public partial Layer Conv { get; }
    }

    [Network(InputShape = new[] { 1, 4, 4 })]
    public partial class PoolNet
    {
        [Dropout(0)] public partial Layer X { get; }
        [MaxPool(3, Stride = 2, Padding = 1)] public partial Layer Max { get; }
        [AvgPool(3, Stride = 2, Padding = 1, Input = nameof(X))] public partial Layer Avg { get; }
        [Concat(nameof(Max), nameof(Avg))] public partial Layer Both { get; }
        [GlobalAvgPool] public partial Layer Gap { get; }
    }

    [Network(InputShape = new[] { 2, 1, 2 })]
    public partial class DenseNet
    {
        [Dense(2, Activation = Activation.Relu6)] public partial Layer Fc { get; }
    }

    [Network(InputShape = new[] { 2, 1, 2 })]
    public partial class NormNet
    {
        [BatchNorm(Epsilon = 1, Activation = Activation.Relu)] public partial Layer Bn { get; }
        [Softmax] public partial Layer Probs { get; }
        [Flatten] public partial Layer Flat { get; }
        [Softmax] public partial Layer VectorProbs { get; }
    }

    [Network(InputShape = new[] { 1, 1, 2 })]
    public partial class MergeNet
    {
        [Dropout(0.5)] public partial Layer A { get; }
        [Activate(Activation.Sigmoid)] public partial Layer S { get; }
        [Activate(Activation.Gelu, Input = nameof(A))] public partial Layer G { get; }
        [Add(nameof(A), nameof(S), nameof(G), Activation = Activation.Relu)] public partial Layer Sum { get; }
        [Concat(nameof(Sum), nameof(A))] public partial Layer Cat { get; }
    }

    [Network(InputShape = new[] { 2, 1, 2 })]
    public partial class ConvBottleneckNet
    {
        [Dropout(0)] public partial Layer Src { get; }
        [OnChip(1), Bottleneck(Ratio = 2), Dropout(0)] public partial Layer Dst { get; }
    }

    [Network(InputShape = new[] { 3 })]
    public partial class VectorBottleneckNet
    {
        [Dropout(0)] public partial Layer Src { get; }
        [OnChip(1), Bottleneck(Ratio = 2), Dropout(0)] public partial Layer Dst { get; }
    }

    // One tensor (Src) read on its own chip and across three cuts, one per wire format; chip 3 gathers everything.
    [Network(InputShape = new[] { 4 })]
    public partial class CutNet
    {
        [Dropout(0)] public partial Layer Src { get; }
        [Add(nameof(Src), nameof(Src))] public partial Layer Local { get; }
        [OnChip(1), Transfer(Format = WireFormat.Float16), Dropout(0, Input = nameof(Src))] public partial Layer Half { get; }
        [OnChip(2), Transfer(Format = WireFormat.BFloat16), Dropout(0, Input = nameof(Src))] public partial Layer Brain { get; }
        [OnChip(3), Transfer(Format = WireFormat.Int8), Dropout(0, Input = nameof(Src))] public partial Layer Quant { get; }
        [Concat(nameof(Local), nameof(Half), nameof(Brain), nameof(Quant))] public partial Layer All { get; }
    }
}
