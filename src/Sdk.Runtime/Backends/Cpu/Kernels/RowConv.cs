using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Convolution as an indirect GEMM, for stride-1 rows on the AVX2 6x16 micro-kernel: each task copies the input
    /// rows it reads into zero-padded planes in its own scratch (hot in L2), and a tile of 16 consecutive outputs of
    /// one row reads kernel tap k straight from there at a fixed offset (c·plane + kh·DH·wp + kw·DW), so op(B), the
    /// column matrix, is never generated nor packed. The weights are packed once as MR-row slivers over the whole
    /// depth. A row end that is not a multiple of 16 computes a full tile and stores the valid part (masked);
    /// the choice (<see cref="CpuConvModel.Algorithm"/>) keeps that waste small. Measured against implicit im2col + GEMM on the same kernel:
    /// 10-25% faster on 14-, 16- and 32-wide rows at batch 1 and 32.
    /// </summary>
    internal static unsafe class RowConv
    {
        public const int NR = 16;

        private const int MR = 6;

        /// <summary>Floats of one task's padded input: the group's planes of one sample, plus slack for the last tile's over-read.</summary>
        public static long ScratchLength(in ConvGeometry g) => ((long)g.CG * g.PaddedHeight * g.PaddedWidth) + (2 * NR) + (g.KW * g.DW);

        /// <summary>y = act(conv(x) + bias) for a batch.</summary>
        public static void Forward(in ConvGeometry g, float* x, float* packedW, long packedPerGroup, int* offsets, float* bias, float* y, int batch, Activation act)
        {
            // Tasks are (sample, group, block of output rows): whole samples when there are enough of them, else
            // each sample's rows split so every thread has work.
            // The compiler core's model of this kernel (whose traffic is in the build's report) splits the same way.
            int threads = CpuWorkerPool.AvailableThreads;
            int units = batch * g.G;
            int blocks = CpuConvModel.RowBlocks(g.OH, units, threads);

            // Output channels in blocks whose packed weights stay in L2 (~192 KiB) while every row tile passes.
            int mc = CpuConvModel.RowChannelBlock(g.KG, MR);
            var job = new RowJob
            {
                G = g,
                X = x,
                PackedW = packedW,
                PackedPerGroup = packedPerGroup,
                Offsets = offsets,
                Bias = bias,
                Y = y,
                Act = act,
                Blocks = blocks,
                RowsPerBlock = (g.OH + blocks - 1) / blocks,
                MC = mc,
            };
            CpuWorkerPool.Current.Run(ref job, units * blocks);
        }

        /// <summary>
        /// Packs a group's weights [MG x KG] as MR-row slivers over the whole depth (k-major, rows past MG zero): the
        /// kernel sums every tap in registers, so C is written once (no depth blocks: a row of C can be 4 KiB from
        /// the next, and re-reading such tiles per block thrashes one L1 set).
        /// </summary>
        public static void PackWeights(in ConvGeometry g, float* w, float* dst)
        {
            int mg = g.MG, kg = g.KG;
            int mPad = (mg + MR - 1) / MR * MR;
            for (int grp = 0; grp < g.G; grp++)
            {
                float* wg = w + ((long)grp * mg * kg);
                float* d = dst + ((long)grp * mPad * kg);
                for (int m0 = 0; m0 < mPad; m0 += MR)
                {
                    GemmDriver<Kernel256x6x16>.PackRowsKMajor(wg + ((long)m0 * kg), kg, Math.Min(MR, mg - m0), MR, kg, d + ((long)m0 * kg));
                }
            }
        }

        private struct RowJob : IParallelJob
        {
            public ConvGeometry G;
            public float* X;
            public float* PackedW;
            public long PackedPerGroup;
            public int* Offsets;
            public float* Bias;
            public float* Y;
            public Activation Act;
            public int Blocks;
            public int RowsPerBlock;
            public int MC;

            /// <summary>
            /// Pads the input rows the task's output rows read (into this thread's scratch, so they are hot), then for
            /// each block of output channels, each row tile, each MR-row sliver: the whole depth in registers.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            [SkipLocalsInit]
            public void Execute(int task)
            {
                int unit = task / Blocks;
                int block = task - (unit * Blocks);
                int n = unit / G.G;
                int grp = unit - (n * G.G);
                int oh0 = block * RowsPerBlock, oh1 = Math.Min(G.OH, oh0 + RowsPerBlock);
                if (oh0 >= oh1)
                {
                    return;
                }

                int wp = G.PaddedWidth;
                int mg = G.MG, kg = G.KG, ow = G.OW, ohw = G.OHW;

                // The group's planes of this sample, only the rows this task's output rows read.
                float* src = ThreadScratch.Get(ScratchSlot.Columns, ScratchLength(G));
                G.PadGroupRows(X, n, grp, src, oh0, oh1);

                float* dst = Y + ((((long)n * G.M) + ((long)grp * mg)) * ohw);
                float* packed = PackedW + (grp * PackedPerGroup);
                float* bias = Bias == null ? null : Bias + ((nint)grp * mg);
                float* tile = stackalloc float[MR * NR];

                // Bias and Relu/Relu6 are applied in registers before the store; another activation afterwards.
                bool clamp = Activations.InRegisters(Act, out float lo, out float hi);
                float* rowBias = stackalloc float[MR];
                for (int ic = 0; ic < mg; ic += MC)
                {
                    int icEnd = Math.Min(mg, ic + MC);
                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        float* rowIn = src + ((nint)oh * G.SH * wp);
                        for (int ow0 = 0; ow0 < ow; ow0 += NR)
                        {
                            int nr = Math.Min(NR, ow - ow0);
                            for (int m = ic; m < icEnd; m += MR)
                            {
                                int mr = Math.Min(MR, mg - m);
                                float* c = dst + ((nint)m * ohw) + ((nint)oh * ow) + ow0;
                                float* a = packed + ((nint)m * kg);
                                // The kernel adds MR biases: 0 without a bias and past the last channel.
                                for (int i = 0; i < MR; i++)
                                {
                                    rowBias[i] = bias != null && i < mr ? bias[m + i] : 0f;
                                }

                                if (mr == MR)
                                {
                                    Kernel(kg, a, rowIn + ow0, Offsets, c, ohw, nr, rowBias, lo, hi);
                                }
                                else
                                {
                                    Kernel(kg, a, rowIn + ow0, Offsets, tile, NR, NR, rowBias, lo, hi);
                                    for (int i = 0; i < mr; i++)
                                    {
                                        new ReadOnlySpan<float>(tile + (i * NR), nr).CopyTo(new Span<float>(c + ((nint)i * ohw), nr));
                                    }
                                }

                                if (!clamp)
                                {
                                    for (int i = 0; i < mr; i++)
                                    {
                                        Activations.BiasActivateRun(c + ((nint)i * ohw), nr, 0f, null, Act);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The 6x16 micro-kernel with an indirect B: row p of the tile's B is the 16 floats at b + taps[p]. Adds
        /// <paramref name="bias"/>[row], clamps to [lo, hi] (Relu, Relu6, or nothing with infinities) and stores the
        /// first <paramref name="columns"/> columns of each of the 6 rows (masked stores at a ragged end). The register
        /// tile is <see cref="Kernel256x6x16"/>'s, written out again on purpose: a shared step helper would take the
        /// twelve accumulators by reference, and the JIT would then keep them in memory.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel(int kc, float* a, float* b, int* taps, float* c, nint ldc, int columns, float* bias, float lo, float hi)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
            for (int p = 0; p < kc; p++)
            {
                float* bp = b + taps[p];
                Vector256<float> b0 = Vector256.Load(bp);
                Vector256<float> b1 = Vector256.Load(bp + 8);
                Vector256<float> av = Vector256.Create(a[0]);
                c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
                av = Vector256.Create(a[1]);
                c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
                av = Vector256.Create(a[2]);
                c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
                av = Vector256.Create(a[3]);
                c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
                av = Vector256.Create(a[4]);
                c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
                av = Vector256.Create(a[5]);
                c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
                a += 6;
            }

            // Bias, then the clamp (skipped without an activation: no work, and NaN stays NaN either way).
            Vector256<float> bv = Vector256.Create(bias[0]);
            c00 += bv; c01 += bv;
            bv = Vector256.Create(bias[1]);
            c10 += bv; c11 += bv;
            bv = Vector256.Create(bias[2]);
            c20 += bv; c21 += bv;
            bv = Vector256.Create(bias[3]);
            c30 += bv; c31 += bv;
            bv = Vector256.Create(bias[4]);
            c40 += bv; c41 += bv;
            bv = Vector256.Create(bias[5]);
            c50 += bv; c51 += bv;
            if (lo != float.NegativeInfinity || hi != float.PositiveInfinity)
            {
                Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi);
                c00 = Activations.Clamp(c00, vlo, vhi); c01 = Activations.Clamp(c01, vlo, vhi);
                c10 = Activations.Clamp(c10, vlo, vhi); c11 = Activations.Clamp(c11, vlo, vhi);
                c20 = Activations.Clamp(c20, vlo, vhi); c21 = Activations.Clamp(c21, vlo, vhi);
                c30 = Activations.Clamp(c30, vlo, vhi); c31 = Activations.Clamp(c31, vlo, vhi);
                c40 = Activations.Clamp(c40, vlo, vhi); c41 = Activations.Clamp(c41, vlo, vhi);
                c50 = Activations.Clamp(c50, vlo, vhi); c51 = Activations.Clamp(c51, vlo, vhi);
            }

            if (columns == NR)
            {
                c00.Store(c); c01.Store(c + 8); c += ldc;
                c10.Store(c); c11.Store(c + 8); c += ldc;
                c20.Store(c); c21.Store(c + 8); c += ldc;
                c30.Store(c); c31.Store(c + 8); c += ldc;
                c40.Store(c); c41.Store(c + 8); c += ldc;
                c50.Store(c); c51.Store(c + 8);
                return;
            }

            // A ragged row end: whole vectors where all 8 columns are valid, masked stores for the rest.
            Vector256<float> mask = Vector256.LessThan(Vector256.Create(8, 9, 10, 11, 12, 13, 14, 15), Vector256.Create(columns)).AsSingle();
            StorePartial(c, c00, c01, mask, columns); c += ldc;
            StorePartial(c, c10, c11, mask, columns); c += ldc;
            StorePartial(c, c20, c21, mask, columns); c += ldc;
            StorePartial(c, c30, c31, mask, columns); c += ldc;
            StorePartial(c, c40, c41, mask, columns); c += ldc;
            StorePartial(c, c50, c51, mask, columns);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StorePartial(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> mask, int columns)
        {
            if (columns >= 8)
            {
                x0.Store(c);
                Avx.MaskStore(c + 8, mask, x1);
            }
            else
            {
                Avx.MaskStore(c, Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(columns)).AsSingle(), x0);
            }
        }
    }
}
