using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// One GEMM as the driver sees it: C = alpha·Â·op(B) + beta·C with Â = op(A) already packed
    /// (<see cref="GemmDriver{TK}.PackA"/>), then, on the last K block, x = act(x + BiasM[i] + BiasN[j]).
    /// With <see cref="TransC"/> the product element (i, j) lives at C[j·ldc + i] (the caller swapped A and B
    /// to get a better tile fit, or wants Cᵀ).
    /// </summary>
    internal unsafe struct GemmProblem
    {
        public int M;
        public int N;
        public int K;
        public float Alpha;
        public float Beta;
        public float* PackedA;
        public float* B;
        public nint Ldb;
        public bool TransB;
        /// <summary>
        /// When set, op(B) is not a matrix in memory: BRow(BRowContext, k, j0, count, dst) writes
        /// op(B)[k, j0 .. j0+count) to dst, and the packer calls it row by row (implicit im2col).
        /// </summary>
        public delegate*<void*, int, int, int, float*, void> BRow;
        public void* BRowContext;
        /// <summary>
        /// When set, op(B) is already packed for the whole k x n (<see cref="GemmDriver{TK}.PackBFull"/>), shared by
        /// all tasks: used when the same B multiplies many A (convolution weights as B).
        /// </summary>
        public float* PackedB;
        public float* C;
        public nint Ldc;
        public bool TransC;
        public float* BiasM;
        public float* BiasN;
        public Activation Activation;

        public readonly bool HasEpilogue => BiasM != null || BiasN != null || Activation != Activation.None;
    }

    /// <summary>
    /// The blocked GEMM for one micro-kernel shape (BLIS loop order). Loops, outermost first:
    /// jc over NC columns, pc over KC depth (pack a KC x NC panel of op(B) into NR-column slivers), ic over
    /// MC rows, jr over NR-column slivers (one stays in L1), ir over MR-row slivers of the pre-packed A.
    /// </summary>
    /// <remarks>
    /// A is packed once per call for the whole matrix (not per block as in BLIS) so that threads that split
    /// the N dimension share it instead of each repacking it: with N split into 4·threads chunks a per-task
    /// repack would cost as much memory traffic as the multiply itself for mid-sized problems. Each task packs
    /// only its own columns of B, so across tasks B is packed exactly once when only N is split.
    /// </remarks>
    internal static unsafe class GemmDriver<TK>
        where TK : struct, IMicroKernel
    {
        public static long PackedASize(int m, int k) => (long)RoundUp(m, TK.MR) * k;

        /// <summary>
        /// Packs MR-row slivers [s0, s1) of op(A) (m x k). Layout: for each KC block starting at depth pc, the
        /// block begins at dst + pc·mPad and holds its slivers one after another, each kc x MR (k-major), with
        /// the rows past m zero-filled.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackA(bool transA, float* a, nint lda, int m, int k, float* dst, int s0, int s1)
        {
            int mr = TK.MR;
            int kcMax = TK.KC;
            nint mPad = RoundUp(m, mr);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float* block = dst + (pc * mPad);
                for (int s = s0; s < s1; s++)
                {
                    int i = s * mr;
                    int rows = Math.Min(mr, m - i);
                    float* d = block + ((nint)i * kc);
                    if (!transA)
                    {
                        PackRowsKMajor(a + (i * lda) + pc, lda, rows, mr, kc, d);
                    }
                    else
                    {
                        PackContiguous(a + (pc * lda) + i, lda, rows, mr, kc, d);
                    }
                }
            }
        }

        public static long PackedBSize(int k, int n) => (long)RoundUp(n, TK.NR) * k;

        /// <summary>
        /// Packs KC blocks [b0, b1) of the whole op(B) (k x n): block pc starts at dst + pc·nPad and holds the NR-column
        /// slivers of all n columns (the layout <see cref="GemmProblem.PackedB"/> expects).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackBFull(bool transB, float* b, nint ldb, int k, int n, float* dst, int b0, int b1)
        {
            nint nPad = RoundUp(n, TK.NR);
            for (int blk = b0; blk < b1; blk++)
            {
                int pc = blk * TK.KC;
                PackB(transB, b, ldb, pc, Math.Min(TK.KC, k - pc), 0, n, dst + (pc * nPad));
            }
        }

        /// <summary><see cref="PackBFull"/> for an implicit op(B) given by <see cref="GemmProblem.BRow"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackBFullFromRows(ref GemmProblem p, float* dst, float* row)
        {
            nint nPad = RoundUp(p.N, TK.NR);
            for (int pc = 0; pc < p.K; pc += TK.KC)
            {
                PackBRows(ref p, pc, Math.Min(TK.KC, p.K - pc), 0, p.N, dst + (pc * nPad), row);
            }
        }

        /// <summary>Packs a kc x nc block of op(B) at (pc, jc) into NR-column slivers, k-major, zero-filled past nc.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackB(bool transB, float* b, nint ldb, int pc, int kc, int jc, int nc, float* dst)
        {
            int nr = TK.NR;
            if (!transB)
            {
                // Row by row across all slivers: the source is read as kc contiguous runs of nc floats (what the
                // hardware prefetchers follow), not as kc x slivers runs of NR floats one page apart.
                int full = nc / nr * nr;
                uint bytes = (uint)nr * 4;
                nint sliverStride = (nint)nr * kc;
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + ((pc + p) * ldb) + jc;
                    float* d = dst + ((nint)p * nr);
                    for (int jr = 0; jr < full; jr += nr)
                    {
                        Unsafe.CopyBlockUnaligned(d, src + jr, bytes);
                        d += sliverStride;
                    }
                }

                if (full < nc)
                {
                    PackContiguous(b + (pc * ldb) + jc + full, ldb, nc - full, nr, kc, dst + ((nint)full * kc));
                }

                return;
            }

            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                float* d = dst + ((nint)jr * kc);
                int j = jc + jr;
                if (!transB)
                {
                    PackContiguous(b + (pc * ldb) + j, ldb, cols, nr, kc, d);
                }
                else
                {
                    PackRowsKMajor(b + (j * ldb) + pc, ldb, cols, nr, kc, d);
                }
            }
        }

        /// <summary>Packs a kc x nc block of an implicit op(B): each row is generated into <paramref name="row"/> (L1) and split into slivers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackBRows(ref GemmProblem p, int pc, int kc, int jc, int nc, float* dst, float* row)
        {
            int nr = TK.NR;
            int full = nc / nr * nr;
            uint bytes = (uint)nr * 4;
            nint sliverStride = (nint)nr * kc;
            for (int k = 0; k < kc; k++)
            {
                p.BRow(p.BRowContext, pc + k, jc, nc, row);
                float* d = dst + ((nint)k * nr);
                for (int jr = 0; jr < full; jr += nr)
                {
                    Unsafe.CopyBlockUnaligned(d, row + jr, bytes);
                    d += sliverStride;
                }

                if (full < nc)
                {
                    int j = 0;
                    for (; j < nc - full; j++)
                    {
                        d[j] = row[full + j];
                    }

                    for (; j < nr; j++)
                    {
                        d[j] = 0f;
                    }
                }
            }
        }

        /// <summary>
        /// Sliver from a matrix whose rows run along k: element (r, p) at src[r·ld + p], r &lt; count, written to
        /// d[p·width + r]. This is a transpose; 8x8 register transposes do it when AVX is there.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void PackRowsKMajor(float* src, nint ld, int count, int width, int kc, float* d)
        {
            int p = 0;
            if (Avx.IsSupported && count == width && (width & 7) == 0)
            {
                for (; p <= kc - 8; p += 8)
                {
                    for (int g = 0; g < width; g += 8)
                    {
                        Transpose8x8(src + (g * ld) + p, ld, d + (p * width) + g, width);
                    }
                }

                if (p == kc)
                {
                    return;
                }
            }

            for (int r = 0; r < count; r++)
            {
                float* s = src + (r * ld);
                for (int q = p; q < kc; q++)
                {
                    d[(q * width) + r] = s[q];
                }
            }

            for (int q = p; q < kc; q++)
            {
                for (int r = count; r < width; r++)
                {
                    d[(q * width) + r] = 0f;
                }
            }
        }

        /// <summary>Sliver from a matrix whose rows run along the sliver: element (p, r) at src[p·ld + r], written to d[p·width + r].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PackContiguous(float* src, nint ld, int count, int width, int kc, float* d)
        {
            if (count == width)
            {
                uint bytes = (uint)width * 4;
                for (int p = 0; p < kc; p++)
                {
                    Unsafe.CopyBlockUnaligned(d + (p * width), src + (p * ld), bytes);
                }

                return;
            }

            for (int p = 0; p < kc; p++)
            {
                float* s = src + (p * ld);
                float* t = d + (p * width);
                int r = 0;
                for (; r < count; r++)
                {
                    t[r] = s[r];
                }

                for (; r < width; r++)
                {
                    t[r] = 0f;
                }
            }
        }

        /// <summary>dst[c·ldd + r] = src[r·lds + c] for an 8x8 block (unpack/shuffle/permute, 24 shuffles).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
        {
            Vector256<float> r0 = Avx.LoadVector256(src);
            Vector256<float> r1 = Avx.LoadVector256(src + lds);
            Vector256<float> r2 = Avx.LoadVector256(src + (2 * lds));
            Vector256<float> r3 = Avx.LoadVector256(src + (3 * lds));
            Vector256<float> r4 = Avx.LoadVector256(src + (4 * lds));
            Vector256<float> r5 = Avx.LoadVector256(src + (5 * lds));
            Vector256<float> r6 = Avx.LoadVector256(src + (6 * lds));
            Vector256<float> r7 = Avx.LoadVector256(src + (7 * lds));
            Vector256<float> t0 = Avx.UnpackLow(r0, r1);
            Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3);
            Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5);
            Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7);
            Vector256<float> t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
            Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
            Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
            Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
            Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(dst + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(dst + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(dst + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(dst + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(dst + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(dst + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
        }

        /// <summary>Computes product rows [m0, m1) x columns [n0, n1); m0 must be a multiple of MR.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ComputeBlock(ref GemmProblem p, int m0, int m1, int n0, int n1)
        {
            int mrMax = TK.MR, nrMax = TK.NR, kcMax = TK.KC, mcMax = TK.MC, ncMax = TK.NC;
            int panelCols = Math.Min(ncMax, RoundUp(n1 - n0, nrMax));
            float* bPanel = p.PackedB != null ? null : ThreadScratch.Get(ScratchSlot.PackB, (long)kcMax * panelCols);
            float* bp = bPanel;
            nint nPad = RoundUp(p.N, nrMax);
            float* tile = stackalloc float[mrMax * nrMax];
            float* bRow = p.BRow == null ? null : ThreadScratch.Get(ScratchSlot.BRow, panelCols);
            nint mPad = RoundUp(p.M, mrMax);
            nint ldc = p.Ldc;
            bool hasEpilogue = p.HasEpilogue;
            for (int jc = n0; jc < n1; jc += ncMax)
            {
                int nc = Math.Min(ncMax, n1 - jc);
                for (int pc = 0; pc < p.K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, p.K - pc);
                    if (p.PackedB != null)
                    {
                        bp = p.PackedB + (pc * nPad) + ((nint)jc * kc);
                    }
                    else if (p.BRow != null)
                    {
                        PackBRows(ref p, pc, kc, jc, nc, bPanel, bRow);
                    }
                    else
                    {
                        PackB(p.TransB, p.B, p.Ldb, pc, kc, jc, nc, bPanel);
                    }

                    float beta = pc == 0 ? p.Beta : 1f;
                    bool last = pc + kc >= p.K;
                    float* aBlock = p.PackedA + (pc * mPad);
                    for (int ic = m0; ic < m1; ic += mcMax)
                    {
                        int mc = Math.Min(mcMax, m1 - ic);
                        for (int jr = 0; jr < nc; jr += nrMax)
                        {
                            int nr = Math.Min(nrMax, nc - jr);
                            float* bs = bp + ((nint)jr * kc);
                            int col = jc + jr;
                            for (int ir = 0; ir < mc; ir += mrMax)
                            {
                                int mr = Math.Min(mrMax, mc - ir);
                                int row = ic + ir;
                                float* aSliver = aBlock + ((nint)row * kc);
                                if (!p.TransC && mr == mrMax && nr == nrMax)
                                {
                                    TK.Run(kc, aSliver, bs, nrMax, p.C + (row * ldc) + col, ldc, p.Alpha, beta);
                                }
                                else
                                {
                                    TK.Run(kc, aSliver, bs, nrMax, tile, nrMax, 1f, 0f);
                                    MergeTile(ref p, tile, nrMax, row, mr, col, nr, beta);
                                }

                                if (last && hasEpilogue)
                                {
                                    Epilogue(ref p, row, mr, col, nr);
                                }
                            }
                        }
                    }
                }
            }
        }

        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MergeTile(ref GemmProblem p, float* tile, int ldt, int row, int mr, int col, int nr, float beta)
        {
            float alpha = p.Alpha;
            nint ldc = p.Ldc;
            if (!p.TransC)
            {
                for (int i = 0; i < mr; i++)
                {
                    float* c = p.C + ((row + i) * ldc) + col;
                    float* t = tile + (i * ldt);
                    if (beta == 0f)
                    {
                        for (int j = 0; j < nr; j++)
                        {
                            c[j] = alpha * t[j];
                        }
                    }
                    else
                    {
                        for (int j = 0; j < nr; j++)
                        {
                            c[j] = (alpha * t[j]) + (beta * c[j]);
                        }
                    }
                }
            }
            else
            {
                int j0 = 0;
                if (Avx.IsSupported && mr == 8)
                {
                    // 8-row tile: transpose 8 columns at a time in registers, then update 8 contiguous floats of C.
                    float* block = stackalloc float[64];
                    Vector256<float> av = Vector256.Create(alpha), bv = Vector256.Create(beta);
                    for (; j0 + 8 <= nr; j0 += 8)
                    {
                        Transpose8x8(tile + j0, ldt, block, 8);
                        for (int j = 0; j < 8; j++)
                        {
                            float* c = p.C + ((col + j0 + j) * ldc) + row;
                            Vector256<float> t = Avx.LoadVector256(block + (j * 8)) * av;
                            Avx.Store(c, beta == 0f ? t : Vector256.FusedMultiplyAdd(Avx.LoadVector256(c), bv, t));
                        }
                    }
                }

                for (int j = j0; j < nr; j++)
                {
                    float* c = p.C + ((col + j) * ldc) + row;
                    float* t = tile + j;
                    if (beta == 0f)
                    {
                        for (int i = 0; i < mr; i++)
                        {
                            c[i] = alpha * t[i * ldt];
                        }
                    }
                    else
                    {
                        for (int i = 0; i < mr; i++)
                        {
                            c[i] = (alpha * t[i * ldt]) + (beta * c[i]);
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void Epilogue(ref GemmProblem p, int row, int mr, int col, int nr)
        {
            nint ldc = p.Ldc;
            if (!p.TransC)
            {
                for (int i = 0; i < mr; i++)
                {
                    Activations.BiasActivateRun(
                        p.C + ((row + i) * ldc) + col,
                        nr,
                        p.BiasM == null ? 0f : p.BiasM[row + i],
                        p.BiasN == null ? null : p.BiasN + col,
                        p.Activation);
                }
            }
            else
            {
                for (int j = 0; j < nr; j++)
                {
                    Activations.BiasActivateRun(
                        p.C + ((col + j) * ldc) + row,
                        mr,
                        p.BiasN == null ? 0f : p.BiasN[col + j],
                        p.BiasM == null ? null : p.BiasM + row,
                        p.Activation);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
    }
}
