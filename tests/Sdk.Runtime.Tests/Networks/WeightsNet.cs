using Sdk;

namespace Sdk.Runtime.Tests.Networks
{
    // Every kind of parameter tensor: a conv weight without bias, BatchNorm's four tensors, a bottleneck's encoder
    // and decoder (inserted by the compiler), a conv with bias and a dense layer.
    [Network(InputShape = new[] { 2, 6, 6 })]
    public partial class WeightsNet
    {
        [Conv2D(4, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
        [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }

        [OnChip(1), Bottleneck(Ratio = 2)]
        [Conv2D(4, Kernel = 3)]
        public partial Layer Conv2 { get; }

        [Dense(3)] public partial Layer Out { get; }
    }
}
