namespace Sdk.Runtime.Ilgpu;

// Per-sample shapes handed to the device functions. Generated chip kernels build them from constants (so a
// GPU backend folds them into the code); the library kernels take them as arguments (conformance tests).

/// <summary>A 2-D convolution: input [Cin, H, W], weight [Cout, Cin/Groups, KH, KW], output [Cout, Ho, Wo].</summary>
public readonly record struct ConvShape(
    int Cin, int H, int W, int Cout, int KH, int KW, int StrideH, int StrideW, int PadTop, int PadLeft,
    int DilationH, int DilationW, int Groups, int Ho, int Wo, int HasBias, int Activation)
{
    public int OutputsPerSample => Cout * Ho * Wo;
}

/// <summary>
/// Max (Kind 0) or average (Kind 1) pooling over [C, H, W]. IncludePad counts positions of the padded input
/// (up to PadBottom / PadRight) in the average, as ONNX's count_include_pad; otherwise only real elements count.
/// </summary>
public readonly record struct PoolShape(
    int Kind, int C, int H, int W, int KH, int KW, int StrideH, int StrideW, int PadTop, int PadLeft,
    int PadBottom, int PadRight, int DilationH, int DilationW, int Ho, int Wo, int IncludePad)
{
    public const int Max = 0;
    public const int Average = 1;

    public int OutputsPerSample => C * Ho * Wo;
}

/// <summary>y[n, o] = act(sum_k x[n, k] w[o, k] + b[o]): PyTorch's Linear layout.</summary>
public readonly record struct DenseShape(int Inputs, int Outputs, int HasBias, int Activation);

/// <summary>Softmax over the middle axis of [Outer, Axis, Inner].</summary>
public readonly record struct SoftmaxShape(int Outer, int Axis, int Inner);

/// <summary>Per-channel affine y = act(x * scale[c] + shift[c]) over [N, C, Inner] (inference BatchNorm).</summary>
public readonly record struct ChannelAffineShape(int C, int Inner, int Activation);

/// <summary>Copies [Outer, Channels, Inner] into [Outer, Total, Inner] at channel Offset (Concat).</summary>
public readonly record struct ConcatShape(int Channels, int Inner, int Total, int Offset);
