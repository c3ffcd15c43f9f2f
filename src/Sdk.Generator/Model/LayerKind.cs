namespace Sdk.Generator.Model;

/// <summary>Layer kinds; names match <c>Sdk.Runtime.LayerKind</c> in the runtime, which the emitted code uses.</summary>
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
