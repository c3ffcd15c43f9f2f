using System;
using System.Collections.Generic;
using Sdk.Runtime.Backends.Ilgpu;

namespace Sdk.Runtime.Backends;

/// <summary>
/// Runs one operator on host arrays, independently of any executor or plan: the seam the conformance suite
/// (the ONNX backend node tests) runs every backend through. Tensors are dense, row-major (NCHW for images);
/// every call returns a new array. The shapes are the structs the generated kernels use
/// (<see cref="ConvShape"/>, <see cref="PoolShape"/>, ...), so a backend checks the same device math that a
/// compiled network runs.
/// </summary>
/// <remarks>
/// A backend validates array lengths against the shape and throws <see cref="ArgumentException"/> on a
/// mismatch; it never returns numbers for a shape it did not compute.
/// </remarks>
public interface IKernelBackend : IDisposable
{
    /// <summary>What runs the kernels, e.g. "ILGPU CPU".</summary>
    string Name { get; }

    /// <summary>2-D convolution: x [batch, Cin, H, W], w [Cout, Cin/Groups, KH, KW], b [Cout] or null; returns [batch, Cout, Ho, Wo].</summary>
    float[] Conv2D(float[] x, int batch, float[] w, float[]? b, ConvShape s);

    /// <summary>Max or average pooling: x [batch, C, H, W]; returns [batch, C, Ho, Wo].</summary>
    float[] Pool(float[] x, int batch, PoolShape s);

    /// <summary>The mean over <paramref name="spatial"/> elements of every channel: x [batch, channels, spatial]; returns [batch, channels].</summary>
    float[] GlobalAveragePool(float[] x, int batch, int channels, int spatial);

    /// <summary>PyTorch's Linear: x [batch, Inputs], w [Outputs, Inputs], b [Outputs] or null; returns [batch, Outputs].</summary>
    float[] Dense(float[] x, int batch, float[] w, float[]? b, DenseShape s);

    /// <summary>ONNX Gemm (see <see cref="GemmShape"/>): returns [M, N]; <paramref name="c"/> is null exactly when <see cref="GemmShape.HasC"/> is 0.</summary>
    float[] Gemm(float[] a, float[] b, float[]? c, GemmShape s);

    /// <summary>Batched matrix product with broadcast batch dimensions (see <see cref="MatMulShape"/>); returns <see cref="MatMulShape.OutputShape"/>.</summary>
    float[] MatMul(float[] a, float[] b, MatMulShape s);

    /// <summary>
    /// Inference BatchNorm over x [batch, C, Inner]: (x - mean) / sqrt(variance + epsilon) * scale + bias, per channel,
    /// computed as the per-channel affine map of <see cref="InferenceParameters.BatchNormScaleShift"/>, then <see cref="ChannelAffineShape.Activation"/>.
    /// </summary>
    float[] BatchNormInference(float[] x, int batch, float[] scale, float[] bias, float[] mean, float[] variance, float epsilon, ChannelAffineShape s);

    /// <summary>Softmax along the middle axis of x [Outer, Axis, Inner].</summary>
    float[] Softmax(float[] x, SoftmaxShape s);

    /// <summary>An elementwise activation.</summary>
    float[] Activation(float[] x, Activation activation);

    /// <summary>act(a + b) with numpy broadcasting (see <see cref="BroadcastShape"/>); returns <see cref="BroadcastShape.OutputShape"/>.</summary>
    float[] Add(float[] a, float[] b, BroadcastShape s, Activation activation = Sdk.Activation.None);

    /// <summary>
    /// Joins parts [outer, channels[i], inner] along the middle axis into [outer, sum(channels), inner]:
    /// Concat along any axis, with outer the product of the dimensions before it and inner of those after.
    /// </summary>
    float[] Concat(IReadOnlyList<float[]> parts, int outer, IReadOnlyList<int> channels, int inner);
}
