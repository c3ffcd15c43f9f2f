using System;

namespace Sdk.Runtime.Backends;

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

/// <summary>
/// ONNX Gemm: y[M, N] = Alpha * A'[M, K] B'[K, N] + Beta * C, where A' is A ([M, K], or [K, M] when TransA)
/// and B' is B ([K, N], or [N, K] when TransB). C (when HasC) is read at m * CRowStride + n * CColStride,
/// which broadcasts a scalar, [N], [1, N], [M, 1] or [M, N] bias (a stride of 0 repeats it).
/// </summary>
public readonly record struct GemmShape(
    int M, int N, int K, int TransA, int TransB, float Alpha, float Beta, int HasC, int CRowStride, int CColStride)
{
    public int Outputs => M * N;

    /// <summary>
    /// The shape for C of <paramref name="cShape"/> (null: no C), which must broadcast to [M, N] in one
    /// direction (numpy rules: rank at most 2, every dimension 1 or equal).
    /// </summary>
    /// <exception cref="ArgumentException">C does not broadcast to [M, N].</exception>
    public static GemmShape Create(int m, int n, int k, bool transA, bool transB, float alpha, float beta, int[]? cShape)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Gemm sizes must not be negative: M={m}, N={n}, K={k}.");
        }

        var (hasC, rowStride, colStride) = (0, 0, 0);
        if (cShape is not null)
        {
            var cm = cShape.Length == 2 ? cShape[0] : 1;
            var cn = cShape.Length >= 1 ? cShape[^1] : 1;
            if (cShape.Length > 2 || (cm != 1 && cm != m) || (cn != 1 && cn != n))
            {
                throw new ArgumentException($"Gemm: C of shape [{string.Join(", ", cShape)}] does not broadcast to [{m}, {n}].", nameof(cShape));
            }

            (hasC, rowStride, colStride) = (1, cm == 1 ? 0 : cn, cn == 1 ? 0 : 1);
        }

        return new GemmShape(m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta, hasC, rowStride, colStride);
    }
}

/// <summary>
/// Numpy broadcasting of two tensors of rank at most <see cref="MaxRank"/>: the output dimensions D0..D5
/// (right-aligned, leading ones padded in) and, per dimension, the element stride of A and of B in it (0 where
/// that operand has size 1 and is repeated). Device code maps an output index to the operands' offsets.
/// </summary>
public readonly struct BroadcastShape
{
    public const int MaxRank = 6;

    private BroadcastShape(int rank, int[] d, int[] a, int[] b)
    {
        Rank = rank;
        (D0, D1, D2, D3, D4, D5) = (d[0], d[1], d[2], d[3], d[4], d[5]);
        (A0, A1, A2, A3, A4, A5) = (a[0], a[1], a[2], a[3], a[4], a[5]);
        (B0, B1, B2, B3, B4, B5) = (b[0], b[1], b[2], b[3], b[4], b[5]);
    }

    /// <summary>The rank of the output (the larger of the two ranks).</summary>
    public int Rank { get; }

    public int D0 { get; }
    public int D1 { get; }
    public int D2 { get; }
    public int D3 { get; }
    public int D4 { get; }
    public int D5 { get; }
    public int A0 { get; }
    public int A1 { get; }
    public int A2 { get; }
    public int A3 { get; }
    public int A4 { get; }
    public int A5 { get; }
    public int B0 { get; }
    public int B1 { get; }
    public int B2 { get; }
    public int B3 { get; }
    public int B4 { get; }
    public int B5 { get; }

    /// <summary>The number of output elements.</summary>
    public int Elements => D0 * D1 * D2 * D3 * D4 * D5;

    /// <summary>The output dimensions, outermost first (<see cref="Rank"/> of them).</summary>
    public int[] OutputShape()
    {
        int[] all = [D0, D1, D2, D3, D4, D5];
        return all[(MaxRank - Rank)..];
    }

    /// <summary>The broadcast of <paramref name="a"/> and <paramref name="b"/>, with element strides.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the rank exceeds <see cref="MaxRank"/>.</exception>
    public static BroadcastShape Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => Create(a, b, 1, 1);

    /// <summary>
    /// As <see cref="Create(ReadOnlySpan{int}, ReadOnlySpan{int})"/>, with strides counted in blocks of
    /// <paramref name="aBlock"/> and <paramref name="bBlock"/> elements multiplied in (batched MatMul: the
    /// batch dimensions, with a matrix as the block).
    /// </summary>
    public static BroadcastShape Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int aBlock, int bBlock)
    {
        var rank = Math.Max(a.Length, b.Length);
        if (rank > MaxRank)
        {
            throw new ArgumentException($"Broadcasting supports rank up to {MaxRank}; got [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}].");
        }

        var d = new int[MaxRank];
        var sa = new int[MaxRank];
        var sb = new int[MaxRank];
        var (strideA, strideB) = (aBlock, bBlock);
        for (var i = MaxRank - 1; i >= 0; i--)
        {
            var fromEnd = MaxRank - 1 - i;
            var da = fromEnd < a.Length ? a[a.Length - 1 - fromEnd] : 1;
            var db = fromEnd < b.Length ? b[b.Length - 1 - fromEnd] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"Shapes [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}] do not broadcast (dimension {da} against {db}).");
            }

            d[i] = da == 1 ? db : da;
            sa[i] = da == 1 ? 0 : strideA;
            sb[i] = db == 1 ? 0 : strideB;
            strideA *= da;
            strideB *= db;
        }

        return new BroadcastShape(rank, d, sa, sb);
    }

    /// <summary>The offset in A of output element <paramref name="index"/> (device code).</summary>
    public int OffsetA(int index)
    {
        var offset = (index % D5) * A5;
        index /= D5;
        offset += (index % D4) * A4;
        index /= D4;
        offset += (index % D3) * A3;
        index /= D3;
        offset += (index % D2) * A2;
        index /= D2;
        offset += (index % D1) * A1;
        index /= D1;
        return offset + ((index % D0) * A0);
    }

    /// <summary>The offset in B of output element <paramref name="index"/> (device code).</summary>
    public int OffsetB(int index)
    {
        var offset = (index % D5) * B5;
        index /= D5;
        offset += (index % D4) * B4;
        index /= D4;
        offset += (index % D3) * B3;
        index /= D3;
        offset += (index % D2) * B2;
        index /= D2;
        offset += (index % D1) * B1;
        index /= D1;
        return offset + ((index % D0) * B0);
    }
}

/// <summary>
/// Batched matrix product y[..., M, N] = a[..., M, K] b[..., K, N]; the batch dimensions broadcast (numpy
/// matmul), <see cref="Batch"/> maps a batch index to the matrix offsets of a and b.
/// </summary>
public readonly record struct MatMulShape(int M, int N, int K, BroadcastShape Batch)
{
    /// <summary>The number of output matrices.</summary>
    public int BatchCount => Batch.Elements;

    public int Outputs => BatchCount * M * N;

    /// <summary>The output shape: the broadcast batch dimensions, then M and N.</summary>
    public int[] OutputShape() => [.. Batch.OutputShape(), M, N];

    /// <summary>The product of <paramref name="a"/> [..., M, K] and <paramref name="b"/> [..., K, N], both of rank 2 or more.</summary>
    /// <exception cref="ArgumentException">A rank below 2, inner sizes that differ, or batch dimensions that do not broadcast.</exception>
    public static MatMulShape Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length < 2 || b.Length < 2)
        {
            throw new ArgumentException($"MatMul needs operands of rank 2 or more; got [{string.Join(", ", a.ToArray())}] and [{string.Join(", ", b.ToArray())}].");
        }

        var (m, k, kb, n) = (a[^2], a[^1], b[^2], b[^1]);
        if (k != kb)
        {
            throw new ArgumentException($"MatMul: [{string.Join(", ", a.ToArray())}] times [{string.Join(", ", b.ToArray())}]: inner sizes {k} and {kb} differ.");
        }

        return new MatMulShape(m, n, k, BroadcastShape.Create(a[..^2], b[..^2], m * k, k * n));
    }
}
