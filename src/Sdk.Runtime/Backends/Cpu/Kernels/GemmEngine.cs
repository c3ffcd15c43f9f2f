using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Non-generic entry to the blocked GEMM: picks the micro-kernel instantiation, packs A, and splits the
    /// product over the worker pool. Kernels that reuse one packed A for many products (convolution weights
    /// across the samples of a batch) call <see cref="PackA"/> once and <see cref="Compute"/> per product.
    /// </summary>
    internal static unsafe class GemmEngine
    {
        /// <summary>Below this many flops (2·m·n·k) a product runs on the calling thread: the pool's wake-up
        /// and the per-task B packing would cost more than they save.</summary>
        internal const double ParallelFlopThreshold = 1 << 22;

        public static GemmKernel Resolve(GemmKernel kernel)
        {
            if (kernel != GemmKernel.Auto)
            {
                return kernel;
            }

            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                return GemmKernel.Vector512x8x32;
            }

            if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
            {
                return GemmKernel.Vector256x6x16;
            }

            return GemmKernel.Vector128x8x8;
        }

        /// <summary>The kernel's blocking as the compiler core's model of this backend knows it (same name).</summary>
        public static CpuGemmTarget Target(GemmKernel kernel) => CpuGemmTarget.Find(Resolve(kernel).ToString())!;

        public static int MR(GemmKernel kernel) => Resolve(kernel) switch
        {
            GemmKernel.Vector512x8x32 => Kernel512x8x32.MR,
            GemmKernel.Vector256x6x16 => Kernel256x6x16.MR,
            _ => Kernel128x8x8.MR,
        };

        public static int NR(GemmKernel kernel) => Resolve(kernel) switch
        {
            GemmKernel.Vector512x8x32 => Kernel512x8x32.NR,
            GemmKernel.Vector256x6x16 => Kernel256x6x16.NR,
            _ => Kernel128x8x8.NR,
        };

        /// <summary>The share of tile slots a dimension of <paramref name="x"/> fills when cut into tiles of <paramref name="tile"/>.</summary>
        public static double Fill(int x, int tile) => (double)x / GemmDriver<Kernel128x8x8>.RoundUp(x, tile);

        public static long PackedASize(GemmKernel kernel, int m, int k)
            => (long)GemmDriver<Kernel128x8x8>.RoundUp(m, MR(kernel)) * k;

        /// <summary>Packs op(A) (m x k) into <paramref name="dst"/> (<see cref="PackedASize"/> floats).</summary>
        public static void PackA(GemmKernel kernel, bool transA, float* a, nint lda, int m, int k, float* dst, bool parallel)
        {
            switch (Resolve(kernel))
            {
                case GemmKernel.Vector512x8x32:
                    PackA<Kernel512x8x32>(transA, a, lda, m, k, dst, parallel);
                    break;
                case GemmKernel.Vector256x6x16:
                    PackA<Kernel256x6x16>(transA, a, lda, m, k, dst, parallel);
                    break;
                default:
                    PackA<Kernel128x8x8>(transA, a, lda, m, k, dst, parallel);
                    break;
            }
        }

        public static long PackedBSize(GemmKernel kernel, int k, int n)
            => (long)GemmDriver<Kernel128x8x8>.RoundUp(n, NR(kernel)) * k;

        /// <summary>Packs the whole op(B) (k x n) into <paramref name="dst"/> (<see cref="PackedBSize"/> floats) for <see cref="GemmProblem.PackedB"/>.</summary>
        public static void PackB(GemmKernel kernel, bool transB, float* b, nint ldb, int k, int n, float* dst, bool parallel)
        {
            switch (Resolve(kernel))
            {
                case GemmKernel.Vector512x8x32:
                    PackB<Kernel512x8x32>(transB, b, ldb, k, n, dst, parallel);
                    break;
                case GemmKernel.Vector256x6x16:
                    PackB<Kernel256x6x16>(transB, b, ldb, k, n, dst, parallel);
                    break;
                default:
                    PackB<Kernel128x8x8>(transB, b, ldb, k, n, dst, parallel);
                    break;
            }
        }

        private static void PackB<TK>(bool transB, float* b, nint ldb, int k, int n, float* dst, bool parallel)
            where TK : struct, IMicroKernel
        {
            int blocks = (k + TK.KC - 1) / TK.KC;
            int threads = parallel ? CpuWorkerPool.AvailableThreads : 1;
            if (threads <= 1 || blocks < 2 || (long)k * n < 1 << 16)
            {
                GemmDriver<TK>.PackBFull(transB, b, ldb, k, n, dst, 0, blocks);
                return;
            }

            var job = new PackBJob<TK> { TransB = transB, B = b, Ldb = ldb, K = k, N = n, Dst = dst };
            CpuWorkerPool.Current.Run(ref job, blocks);
        }

        private struct PackBJob<TK> : IParallelJob
            where TK : struct, IMicroKernel
        {
            public bool TransB;
            public float* B;
            public nint Ldb;
            public int K;
            public int N;
            public float* Dst;

            public void Execute(int task) => GemmDriver<TK>.PackBFull(TransB, B, Ldb, K, N, Dst, task, task + 1);
        }

        /// <summary>Runs the product described by <paramref name="p"/> (A already packed for the same kernel).</summary>
        public static void Compute(GemmKernel kernel, ref GemmProblem p, bool parallel)
        {
            switch (Resolve(kernel))
            {
                case GemmKernel.Vector512x8x32:
                    Compute<Kernel512x8x32>(ref p, parallel);
                    break;
                case GemmKernel.Vector256x6x16:
                    Compute<Kernel256x6x16>(ref p, parallel);
                    break;
                default:
                    Compute<Kernel128x8x8>(ref p, parallel);
                    break;
            }
        }

        /// <summary>Product rows [m0, m1) x columns [n0, n1) on this thread (m0 a multiple of MR), A already packed.</summary>
        public static void ComputeBlock(GemmKernel kernel, ref GemmProblem p, int m0, int m1, int n0, int n1)
        {
            switch (Resolve(kernel))
            {
                case GemmKernel.Vector512x8x32:
                    GemmDriver<Kernel512x8x32>.ComputeBlock(ref p, m0, m1, n0, n1);
                    break;
                case GemmKernel.Vector256x6x16:
                    GemmDriver<Kernel256x6x16>.ComputeBlock(ref p, m0, m1, n0, n1);
                    break;
                default:
                    GemmDriver<Kernel128x8x8>.ComputeBlock(ref p, m0, m1, n0, n1);
                    break;
            }
        }

        /// <summary>
        /// Full GEMM: packs op(A) into this thread's scratch, then computes. Handles k == 0 and alpha == 0
        /// (C = beta·C, A and B not read) like BLAS.
        /// </summary>
        public static void Multiply(
            GemmKernel kernel, bool transA, bool transB, int m, int n, int k, float alpha,
            float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, bool transC,
            float* biasM, float* biasN, Activation activation, bool parallel)
        {
            if (m <= 0 || n <= 0)
            {
                return;
            }

            var p = new GemmProblem
            {
                M = m,
                N = n,
                K = k,
                Alpha = alpha,
                Beta = beta,
                B = b,
                Ldb = ldb,
                TransB = transB,
                C = c,
                Ldc = ldc,
                TransC = transC,
                BiasM = biasM,
                BiasN = biasN,
                Activation = activation,
            };

            if (k == 0 || alpha == 0f)
            {
                ScaleOnly(ref p);
                return;
            }

            kernel = Resolve(kernel);
            float* packed = ThreadScratch.Get(ScratchSlot.PackA, PackedASize(kernel, m, k));
            PackA(kernel, transA, a, lda, m, k, packed, parallel);
            p.PackedA = packed;
            Compute(kernel, ref p, parallel);
        }

        /// <summary>C = beta·C, then the epilogue (the k == 0 / alpha == 0 case).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ScaleOnly(ref GemmProblem p)
        {
            int rows = p.TransC ? p.N : p.M;
            int cols = p.TransC ? p.M : p.N;
            for (int r = 0; r < rows; r++)
            {
                float* row = p.C + (r * p.Ldc);
                if (p.Beta == 0f)
                {
                    new Span<float>(row, cols).Clear();
                }
                else if (p.Beta != 1f)
                {
                    for (int j = 0; j < cols; j++)
                    {
                        row[j] *= p.Beta;
                    }
                }
            }

            if (p.HasEpilogue)
            {
                GemmDriver<Kernel128x8x8>.Epilogue(ref p, 0, p.M, 0, p.N);
            }
        }

        private static void PackA<TK>(bool transA, float* a, nint lda, int m, int k, float* dst, bool parallel)
            where TK : struct, IMicroKernel
        {
            int slivers = (m + TK.MR - 1) / TK.MR;
            int threads = parallel ? CpuWorkerPool.AvailableThreads : 1;
            long elements = (long)m * k;
            int tasks = threads > 1 && elements >= 1 << 16 ? Math.Min(slivers, threads * 2) : 1;
            if (tasks <= 1)
            {
                GemmDriver<TK>.PackA(transA, a, lda, m, k, dst, 0, slivers);
                return;
            }

            var job = new PackAJob<TK>
            {
                TransA = transA,
                A = a,
                Lda = lda,
                M = m,
                K = k,
                Dst = dst,
                SliversPerTask = (slivers + tasks - 1) / tasks,
                Slivers = slivers,
            };
            CpuWorkerPool.Current.Run(ref job, (slivers + job.SliversPerTask - 1) / job.SliversPerTask);
        }

        private static void Compute<TK>(ref GemmProblem p, bool parallel)
            where TK : struct, IMicroKernel
        {
            int threads = parallel ? CpuWorkerPool.AvailableThreads : 1;
            double flops = 2.0 * p.M * p.N * p.K;
            if (threads <= 1 || flops < ParallelFlopThreshold)
            {
                GemmDriver<TK>.ComputeBlock(ref p, 0, p.M, 0, p.N);
                return;
            }

            // Split N first (B is then packed exactly once across tasks and A is shared); split M too only
            // when N has too few slivers. About four tasks per thread lets a thread that lost its core to
            // another process be covered by the others (tasks are claimed dynamically).
            int target = threads * 4;
            int nSlivers = (p.N + TK.NR - 1) / TK.NR;
            int mSlivers = (p.M + TK.MR - 1) / TK.MR;
            int tasksN = Math.Min(nSlivers, target);
            int tasksM = Math.Min(mSlivers, Math.Max(1, (target + tasksN - 1) / tasksN));
            if (tasksM > 1 && p.PackedB == null && p.N <= TK.NC)
            {
                // Splitting M means every task would pack the same (narrow) B: pack it once, shared.
                float* shared = ThreadScratch.Get(ScratchSlot.PackB, GemmDriver<TK>.PackedBSize(p.K, p.N));
                if (p.BRow != null)
                {
                    GemmDriver<TK>.PackBFullFromRows(ref p, shared, ThreadScratch.Get(ScratchSlot.BRow, p.N));
                }
                else
                {
                    PackB<TK>(p.TransB, p.B, p.Ldb, p.K, p.N, shared, parallel);
                }

                p.PackedB = shared;
            }

            int nStep = (nSlivers + tasksN - 1) / tasksN * TK.NR;
            int mStep = (mSlivers + tasksM - 1) / tasksM * TK.MR;
            tasksN = (p.N + nStep - 1) / nStep;
            tasksM = (p.M + mStep - 1) / mStep;
            var job = new ComputeJob<TK> { P = p, TasksN = tasksN, MStep = mStep, NStep = nStep };
            CpuWorkerPool.Current.Run(ref job, tasksM * tasksN);
        }

        private struct PackAJob<TK> : IParallelJob
            where TK : struct, IMicroKernel
        {
            public bool TransA;
            public float* A;
            public nint Lda;
            public int M;
            public int K;
            public float* Dst;
            public int SliversPerTask;
            public int Slivers;

            public void Execute(int task)
            {
                int s0 = task * SliversPerTask;
                int s1 = Math.Min(Slivers, s0 + SliversPerTask);
                GemmDriver<TK>.PackA(TransA, A, Lda, M, K, Dst, s0, s1);
            }
        }

        private struct ComputeJob<TK> : IParallelJob
            where TK : struct, IMicroKernel
        {
            public GemmProblem P;
            public int TasksN;
            public int MStep;
            public int NStep;

            public void Execute(int task)
            {
                int tm = task / TasksN;
                int tn = task - (tm * TasksN);
                int m0 = tm * MStep;
                int n0 = tn * NStep;
                GemmDriver<TK>.ComputeBlock(ref P, m0, Math.Min(P.M, m0 + MStep), n0, Math.Min(P.N, n0 + NStep));
            }
        }
    }
}
