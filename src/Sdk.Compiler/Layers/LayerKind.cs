namespace Sdk.Compiler;

/// <summary>What a layer computes. Each kind has one <see cref="LayerDefinition"/> (see <see cref="LayerDefinitions"/>).</summary>
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

    /// <summary>Inserted by the compiler on the sending side of a cut with a bottleneck (1x1 convolution, or dense for vectors).</summary>
    BottleneckEncoder,

    /// <summary>Inserted by the compiler on the receiving side of a cut with a bottleneck.</summary>
    BottleneckDecoder,
}
