using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// A register-blocked GEMM micro-kernel: C[MR x NR] = alpha * Ap * Bp + beta * C over one KC block, where
    /// Ap is an MR-row sliver of packed A (k-major: MR values per k) and Bp an NR-column sliver of packed B
    /// (k-major: NR values per k; consecutive k are ldb floats apart, NR when packed, the row stride when the
    /// kernel reads a row-major B in place). beta == 0 means C is not read (it may hold NaN).
    /// </summary>
    internal unsafe interface IMicroKernel
    {
        static abstract int MR { get; }

        static abstract int NR { get; }

        /// <summary>Depth of one packed block: the B sliver (KC x NR) stays in L1 while the MR-row A slivers stream past it.</summary>
        static abstract int KC { get; }

        /// <summary>Rows of one A block (MC x KC), sized to stay in L2 while all B slivers of the panel use it.</summary>
        static abstract int MC { get; }

        /// <summary>Columns of one packed B panel (KC x NC) per thread; multiple of NR.</summary>
        static abstract int NC { get; }

        static abstract void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta);
    }

    /// <summary>
    /// AVX-512 kernel, 8 rows x 32 columns (two zmm per row): 16 accumulators + 2 B vectors + 1 broadcast
    /// = 19 of the 32 zmm registers. Per k step: 2 vector loads, 8 broadcast loads, 16 FMAs, so the two FMA
    /// pipes are the bottleneck, not the load ports. MR = 8 divides the usual channel counts (64..512), so
    /// convolutions whose M is the output-channel count waste no rows; 12x32 measured the same in isolation
    /// (~215 GFLOP/s on one Zen 5 core) but wastes rows there.
    /// </summary>
    internal readonly unsafe struct Kernel512x8x32 : IMicroKernel
    {
        public static int MR => 8;

        public static int NR => 32;

        // KC x NR x 4 B = 32 KiB B sliver in the 48 KiB L1d; MC x KC x 4 B = 256 KiB A block in the 1 MiB L2.
        public static int KC => 256;

        public static int MC => 256;

        public static int NC => 2048;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
            Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
            for (int p = 0; p < kc; p++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> av = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
                av = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
                av = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
                av = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
                av = Vector512.Create(a[4]);
                c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
                av = Vector512.Create(a[5]);
                c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
                av = Vector512.Create(a[6]);
                c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
                av = Vector512.Create(a[7]);
                c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
                a += 8;
                b += ldb;
            }

            Vector512<float> al = Vector512.Create(alpha);
            if (beta == 0f)
            {
                Put(c, c00 * al, c01 * al); c += ldc;
                Put(c, c10 * al, c11 * al); c += ldc;
                Put(c, c20 * al, c21 * al); c += ldc;
                Put(c, c30 * al, c31 * al); c += ldc;
                Put(c, c40 * al, c41 * al); c += ldc;
                Put(c, c50 * al, c51 * al); c += ldc;
                Put(c, c60 * al, c61 * al); c += ldc;
                Put(c, c70 * al, c71 * al);
            }
            else
            {
                Vector512<float> be = Vector512.Create(beta);
                Acc(c, c00, c01, al, be); c += ldc;
                Acc(c, c10, c11, al, be); c += ldc;
                Acc(c, c20, c21, al, be); c += ldc;
                Acc(c, c30, c31, al, be); c += ldc;
                Acc(c, c40, c41, al, be); c += ldc;
                Acc(c, c50, c51, al, be); c += ldc;
                Acc(c, c60, c61, al, be); c += ldc;
                Acc(c, c70, c71, al, be);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Put(float* c, Vector512<float> x0, Vector512<float> x1)
        {
            x0.Store(c);
            x1.Store(c + 16);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Acc(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> al, Vector512<float> be)
        {
            Vector512.FusedMultiplyAdd(Vector512.Load(c), be, x0 * al).Store(c);
            Vector512.FusedMultiplyAdd(Vector512.Load(c + 16), be, x1 * al).Store(c + 16);
        }
    }

    /// <summary>
    /// AVX2 kernel, 6 rows x 16 columns (two ymm per row): 12 accumulators + 2 B vectors + 1 broadcast = 15 of
    /// the 16 ymm registers of an AVX2 machine (the classic BLIS Haswell shape).
    /// </summary>
    internal readonly unsafe struct Kernel256x6x16 : IMicroKernel
    {
        public static int MR => 6;

        public static int NR => 16;

        // 16 KiB B sliver in a 32 KiB L1d; 192 KiB A block in a 256 KiB-1 MiB L2.
        public static int KC => 256;

        public static int MC => 192;

        public static int NC => 2048;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
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
                b += ldb;
            }

            Vector256<float> al = Vector256.Create(alpha);
            if (beta == 0f)
            {
                Put(c, c00 * al, c01 * al); c += ldc;
                Put(c, c10 * al, c11 * al); c += ldc;
                Put(c, c20 * al, c21 * al); c += ldc;
                Put(c, c30 * al, c31 * al); c += ldc;
                Put(c, c40 * al, c41 * al); c += ldc;
                Put(c, c50 * al, c51 * al);
            }
            else
            {
                Vector256<float> be = Vector256.Create(beta);
                Acc(c, c00, c01, al, be); c += ldc;
                Acc(c, c10, c11, al, be); c += ldc;
                Acc(c, c20, c21, al, be); c += ldc;
                Acc(c, c30, c31, al, be); c += ldc;
                Acc(c, c40, c41, al, be); c += ldc;
                Acc(c, c50, c51, al, be);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Put(float* c, Vector256<float> x0, Vector256<float> x1)
        {
            x0.Store(c);
            x1.Store(c + 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Acc(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> al, Vector256<float> be)
        {
            Vector256.FusedMultiplyAdd(Vector256.Load(c), be, x0 * al).Store(c);
            Vector256.FusedMultiplyAdd(Vector256.Load(c + 8), be, x1 * al).Store(c + 8);
        }
    }

    /// <summary>
    /// Portable 128-bit kernel (NEON, or x86 without AVX), 8 rows x 8 columns: 16 accumulators, meant for
    /// targets with 32 vector registers (Arm64). Uses MultiplyAddEstimate, which is a fused multiply-add
    /// where the hardware has one and a multiply plus an add elsewhere.
    /// </summary>
    internal readonly unsafe struct Kernel128x8x8 : IMicroKernel
    {
        public static int MR => 8;

        public static int NR => 8;

        public static int KC => 256;

        public static int MC => 128;

        public static int NC => 1024;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
            Vector128<float> c40 = default, c41 = default, c50 = default, c51 = default;
            Vector128<float> c60 = default, c61 = default, c70 = default, c71 = default;
            for (int p = 0; p < kc; p++)
            {
                Vector128<float> b0 = Vector128.Load(b);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> av = Vector128.Create(a[0]);
                c00 = Vector128.MultiplyAddEstimate(av, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(av, b1, c01);
                av = Vector128.Create(a[1]);
                c10 = Vector128.MultiplyAddEstimate(av, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(av, b1, c11);
                av = Vector128.Create(a[2]);
                c20 = Vector128.MultiplyAddEstimate(av, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(av, b1, c21);
                av = Vector128.Create(a[3]);
                c30 = Vector128.MultiplyAddEstimate(av, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(av, b1, c31);
                av = Vector128.Create(a[4]);
                c40 = Vector128.MultiplyAddEstimate(av, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(av, b1, c41);
                av = Vector128.Create(a[5]);
                c50 = Vector128.MultiplyAddEstimate(av, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(av, b1, c51);
                av = Vector128.Create(a[6]);
                c60 = Vector128.MultiplyAddEstimate(av, b0, c60);
                c61 = Vector128.MultiplyAddEstimate(av, b1, c61);
                av = Vector128.Create(a[7]);
                c70 = Vector128.MultiplyAddEstimate(av, b0, c70);
                c71 = Vector128.MultiplyAddEstimate(av, b1, c71);
                a += 8;
                b += ldb;
            }

            Vector128<float> al = Vector128.Create(alpha);
            Vector128<float> be = Vector128.Create(beta);
            bool read = beta != 0f;
            Put(c, c00, c01, al, be, read); c += ldc;
            Put(c, c10, c11, al, be, read); c += ldc;
            Put(c, c20, c21, al, be, read); c += ldc;
            Put(c, c30, c31, al, be, read); c += ldc;
            Put(c, c40, c41, al, be, read); c += ldc;
            Put(c, c50, c51, al, be, read); c += ldc;
            Put(c, c60, c61, al, be, read); c += ldc;
            Put(c, c70, c71, al, be, read);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Put(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> al, Vector128<float> be, bool read)
        {
            if (read)
            {
                Vector128.MultiplyAddEstimate(Vector128.Load(c), be, x0 * al).Store(c);
                Vector128.MultiplyAddEstimate(Vector128.Load(c + 4), be, x1 * al).Store(c + 4);
            }
            else
            {
                (x0 * al).Store(c);
                (x1 * al).Store(c + 4);
            }
        }
    }
}
