using Sdk;

namespace Sdk.Benchmarks.Inference;

/// <summary>The Fashion-MNIST CNN of the samples, on one chip: the second throughput subject.</summary>
[Network(InputShape = new[] { 1, 28, 28 })]
public partial class FashionCnn
{
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv1 { get; }
    [MaxPool(2)] public partial Layer Pool1 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv2 { get; }
    [MaxPool(2)] public partial Layer Pool2 { get; }
    [Dense(128, Activation = Activation.Relu)] public partial Layer Fc1 { get; }
    [Dense(10)] public partial Layer Logits { get; }
}
