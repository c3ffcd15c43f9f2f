namespace Sdk.Runtime;

/// <summary>What a layer of the plan computes. Bottleneck encoders and decoders are inserted by the compiler.</summary>
public enum LayerKind
{
    Conv2D,
    Dense,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    BatchNorm,
    Flatten,
    Softmax,
    Activation,
    Add,
    Concat,
    Dropout,
    BottleneckEncoder,
    BottleneckDecoder,
}
