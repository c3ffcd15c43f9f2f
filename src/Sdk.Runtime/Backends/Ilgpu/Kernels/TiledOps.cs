using ILGPU;
using ILGPU.Runtime;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// What a tiled product reads and writes: element (m, k) of A, element (k, n) of B, and the fused epilogue that
/// stores C[m, n] (bias, activation, layout). One implementation per layer kind; the tiling is shared.
/// </summary>
public interface ITileOperands
{
    float A(int group, int m, int k);

    float B(int group, int k, int n);

    void Store(int group, int m, int n, float sum);
}

/// <summary>
/// Tiled matrix products on an accelerator, for the layers whose work is a GEMM: a convolution as an implicit GEMM
/// (C [Cout/G x batch·Ho·Wo] = W_g [Cout/G x (Cin/G)·KH·KW] · columns, the columns read straight from the input,
/// never written out) and a dense layer (C [outputs x batch] = W · xᵀ). One thread group of side x side threads
/// computes a (4·side) x (4·side) block of C, each thread a 4 x 4 micro-tile of it held in registers; per step of
/// <see cref="TileK"/> along K the group stages the A and B slices it needs in shared memory (each global element read
/// once per block instead of once per output), synchronises, and every thread does 16 FMAs per k from shared memory.
/// The epilogue adds the bias and applies the activation before the single store. Threads of a micro-tile are
/// strided by the group side, so neighbouring threads touch neighbouring shared-memory words and output columns.
/// </summary>
/// <remarks>
/// Side 16 (256 threads, 64 x 64 blocks) on GPUs; side 1 on ILGPU's CPU accelerator (<see cref="GroupSide"/>). The shared buffers are sized for the
/// largest block.
/// </remarks>
public static class TiledOps
{
    /// <summary>Depth of one shared-memory step.</summary>
    public const int TileK = 8;

    /// <summary>Outputs per thread along each of M and N.</summary>
    public const int Micro = 4;

    /// <summary>The largest group side (16 x 16 = 256 threads).</summary>
    public const int MaxSide = 16;

    private const int MaxTile = Micro * MaxSide;

    /// <summary>The group side for an accelerator: the largest power of two up to 16 whose square fits a group.</summary>
    public static int GroupSide(Accelerator accelerator)
    {
        // ILGPU's CPU accelerator runs a group's threads as OS threads meeting at every barrier: one thread a group
        // (its 4 x 4 micro-tile, shared memory its own) is a blocked GEMM there, without the barrier traffic.
        if (accelerator.AcceleratorType == AcceleratorType.CPU)
        {
            return 1;
        }

        int side = MaxSide;
        while (side > 1 && side * side > accelerator.MaxNumThreadsPerGroup)
        {
            side /= 2;
        }

        return side;
    }

    /// <summary>The launch of a product of M x N outputs per group, <paramref name="groups"/> groups, with the given side.</summary>
    public static KernelConfig Config(int m, int n, int groups, int side)
    {
        int tile = Micro * side;
        return new KernelConfig(new Index3D((n + tile - 1) / tile, (m + tile - 1) / tile, groups), new Index3D(side, side, 1));
    }

    /// <summary>The launch of <see cref="Conv2D"/> for a batch.</summary>
    public static KernelConfig ConvConfig(ConvShape s, int batch, int side) => Config(s.Cout / s.Groups, batch * s.Ho * s.Wo, s.Groups, side);

    /// <summary>The launch of <see cref="Dense"/> for a batch.</summary>
    public static KernelConfig DenseConfig(DenseShape s, int batch, int side) => Config(s.Outputs, batch, 1, side);

    /// <summary>y = act(conv(x, w) + b) for the batch, NCHW, as an implicit GEMM (launch with <see cref="ConvConfig"/>).</summary>
    public static void Conv2D(ArrayView<float> x, ArrayView<float> w, ArrayView<float> b, ArrayView<float> y, ConvShape s, int batch)
    {
        int kg = (s.Cin / s.Groups) * s.KH * s.KW;
        Gemm(new ConvOperands(x, w, b, y, s, kg), s.Cout / s.Groups, batch * s.Ho * s.Wo, kg);
    }

    /// <summary>y[n, o] = act(x[n, :]·w[o, :] + b[o]) for the batch (launch with <see cref="DenseConfig"/>).</summary>
    public static void Dense(ArrayView<float> x, ArrayView<float> w, ArrayView<float> b, ArrayView<float> y, DenseShape s, int batch) =>
        Gemm(new DenseOperands(x, w, b, y, s), s.Outputs, batch, s.Inputs);

    /// <summary>The shared tiling: this group's block of C = A·B for group Grid.Z, stored through the operands' epilogue.</summary>
    private static void Gemm<TOperands>(TOperands op, int m, int n, int k)
        where TOperands : struct, ITileOperands
    {
        var sa = SharedMemory.Allocate<float>(TileK * MaxTile);
        var sb = SharedMemory.Allocate<float>(TileK * MaxTile);
        int tx = Group.IdxX, ty = Group.IdxY, side = Group.DimX;
        int tile = Micro * side, threads = side * side, tid = (ty * side) + tx;
        int m0 = Grid.IdxY * tile, n0 = Grid.IdxX * tile, g = Grid.IdxZ;

        // Thread (tx, ty) owns rows m0 + ty + i·side and columns n0 + tx + j·side, i, j < 4.
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k0 = 0; k0 < k; k0 += TileK)
        {
            // A slice [TileK x tile] and B slice [TileK x tile], zero past the edges. Consecutive threads read
            // consecutive k of one A row (a weight row) and consecutive n of one B row (an output row).
            for (int i = tid; i < TileK * tile; i += threads)
            {
                int mm = i / TileK, kk = i - (mm * TileK);
                sa[(kk * tile) + mm] = m0 + mm < m && k0 + kk < k ? op.A(g, m0 + mm, k0 + kk) : 0f;
            }

            for (int i = tid; i < TileK * tile; i += threads)
            {
                int kk = i / tile, nn = i - (kk * tile);
                sb[i] = n0 + nn < n && k0 + kk < k ? op.B(g, k0 + kk, n0 + nn) : 0f;
            }

            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                int ra = (kk * tile) + ty, rb = (kk * tile) + tx;
                float a0 = sa[ra], a1 = sa[ra + side], a2 = sa[ra + (2 * side)], a3 = sa[ra + (3 * side)];
                float b0 = sb[rb], b1 = sb[rb + side], b2 = sb[rb + (2 * side)], b3 = sb[rb + (3 * side)];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }

            Group.Barrier();
        }

        Row(op, g, m, n, m0 + ty, n0 + tx, side, c00, c01, c02, c03);
        Row(op, g, m, n, m0 + ty + side, n0 + tx, side, c10, c11, c12, c13);
        Row(op, g, m, n, m0 + ty + (2 * side), n0 + tx, side, c20, c21, c22, c23);
        Row(op, g, m, n, m0 + ty + (3 * side), n0 + tx, side, c30, c31, c32, c33);
    }

    /// <summary>Stores one row of a micro-tile, skipping what lies past the edges.</summary>
    private static void Row<TOperands>(TOperands op, int g, int m, int n, int row, int column, int side, float v0, float v1, float v2, float v3)
        where TOperands : struct, ITileOperands
    {
        if (row >= m)
        {
            return;
        }

        if (column < n)
        {
            op.Store(g, row, column, v0);
        }

        if (column + side < n)
        {
            op.Store(g, row, column + side, v1);
        }

        if (column + (2 * side) < n)
        {
            op.Store(g, row, column + (2 * side), v2);
        }

        if (column + (3 * side) < n)
        {
            op.Store(g, row, column + (3 * side), v3);
        }
    }

    /// <summary>A convolution as a GEMM: A = the group's weights, B = the implicit column matrix, C in NCHW.</summary>
    private readonly struct ConvOperands : ITileOperands
    {
        private readonly ArrayView<float> _x;
        private readonly ArrayView<float> _w;
        private readonly ArrayView<float> _b;
        private readonly ArrayView<float> _y;
        private readonly ConvShape _s;
        private readonly int _kg;

        public ConvOperands(ArrayView<float> x, ArrayView<float> w, ArrayView<float> b, ArrayView<float> y, ConvShape s, int kg)
        {
            _x = x;
            _w = w;
            _b = b;
            _y = y;
            _s = s;
            _kg = kg;
        }

        public float A(int group, int m, int k) => _w[(((group * (_s.Cout / _s.Groups)) + m) * _kg) + k];

        /// <summary>Column k, position n: input channel, kernel tap and output position decoded; zero in the padding.</summary>
        public float B(int group, int k, int n)
        {
            int taps = _s.KH * _s.KW, ohw = _s.Ho * _s.Wo;
            int ci = k / taps, t = k - (ci * taps);
            int kh = t / _s.KW, kw = t - (kh * _s.KW);
            int sample = n / ohw, r = n - (sample * ohw);
            int oh = r / _s.Wo, ow = r - (oh * _s.Wo);
            int ih = (oh * _s.StrideH) - _s.PadTop + (kh * _s.DilationH);
            int iw = (ow * _s.StrideW) - _s.PadLeft + (kw * _s.DilationW);
            if (ih < 0 || ih >= _s.H || iw < 0 || iw >= _s.W)
            {
                return 0f;
            }

            int channel = (group * (_s.Cin / _s.Groups)) + ci;
            return _x[((((sample * _s.Cin) + channel) * _s.H) + ih) * _s.W + iw];
        }

        public void Store(int group, int m, int n, float sum)
        {
            int ohw = _s.Ho * _s.Wo, sample = n / ohw, r = n - (sample * ohw);
            int co = (group * (_s.Cout / _s.Groups)) + m;
            float bias = _s.HasBias != 0 ? _b[co] : 0f;
            _y[(((sample * _s.Cout) + co) * ohw) + r] = DeviceMath.Activate(sum + bias, _s.Activation);
        }
    }

    /// <summary>A dense layer as a GEMM: A = W [outputs x inputs], B = xᵀ, C = yᵀ.</summary>
    private readonly struct DenseOperands : ITileOperands
    {
        private readonly ArrayView<float> _x;
        private readonly ArrayView<float> _w;
        private readonly ArrayView<float> _b;
        private readonly ArrayView<float> _y;
        private readonly DenseShape _s;

        public DenseOperands(ArrayView<float> x, ArrayView<float> w, ArrayView<float> b, ArrayView<float> y, DenseShape s)
        {
            _x = x;
            _w = w;
            _b = b;
            _y = y;
            _s = s;
        }

        public float A(int group, int m, int k) => _w[(m * _s.Inputs) + k];

        public float B(int group, int k, int n) => _x[(n * _s.Inputs) + k];

        public void Store(int group, int m, int n, float sum)
        {
            float bias = _s.HasBias != 0 ? _b[m] : 0f;
            _y[(n * _s.Outputs) + m] = DeviceMath.Activate(sum + bias, _s.Activation);
        }
    }
}
