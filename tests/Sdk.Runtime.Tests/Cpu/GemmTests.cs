using System;
using System.Collections.Generic;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class GemmTests
    {
        public static IEnumerable<object[]> KernelsAndTransposes()
        {
            foreach (GemmKernel k in TestUtil.SupportedKernels())
            {
                foreach (bool ta in new[] { false, true })
                {
                    foreach (bool tb in new[] { false, true })
                    {
                        yield return new object[] { k, ta, tb };
                    }
                }
            }
        }

        /// <summary>Sizes around the tile edges (MR, NR ± 1), across a KC block (256) and an MC block (256).</summary>
        private static readonly (int M, int N, int K)[] Sizes =
        {
            (1, 1, 1), (1, 7, 3), (5, 1, 9), (7, 15, 17), (8, 32, 8), (9, 33, 31), (6, 16, 5), (13, 47, 64),
            (17, 65, 257), (33, 31, 300), (70, 3, 40), (3, 70, 40), (263, 40, 20), (24, 100, 513),
        };

        [Theory]
        [MemberData(nameof(KernelsAndTransposes))]
        public void MatchesNaiveReference(GemmKernel kernel, bool transA, bool transB)
        {
            int seed = 1;
            foreach (var (m, n, k) in Sizes)
            {
                foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 1f), (-1.25f, 0.75f) })
                {
                    Run(kernel, transA, transB, m, n, k, alpha, beta, padA: 3, padB: 1, padC: 2, seed: seed++);
                }
            }
        }

        [Fact]
        public void WideProblemCrossesTheNcBlock()
        {
            // NC = 2048 columns per packed panel; 2100 forces a second panel and an edge sliver.
            Run(GemmKernel.Auto, false, false, 3, 2100, 5, 1f, 0f, 0, 0, 0, seed: 42);
            Run(GemmKernel.Auto, true, true, 9, 2100, 7, 1f, 0.5f, 0, 0, 0, seed: 43);
        }

        [Fact]
        public void LargerProblemRunsInParallelAndMatches()
        {
            using var pool = TestUtil.PrivatePool();
            // Big enough (2·m·n·k > 4M flops) to be split over the pool, with edges in both M and N.
            Run(GemmKernel.Auto, false, false, 203, 301, 129, 1f, 0f, 0, 0, 0, seed: 3);
            Run(GemmKernel.Auto, true, false, 203, 301, 129, 1f, 2f, 0, 0, 0, seed: 4);
            Run(GemmKernel.Auto, false, true, 20, 1000, 300, 1f, 0f, 0, 0, 0, seed: 5);

            // Narrow n, tall m: the split is over M and B is packed once, shared by the tasks.
            foreach (GemmKernel k in TestUtil.SupportedKernels())
            {
                Run(k, false, false, 300, 64, 200, 1f, 0f, 1, 2, 3, seed: 6);
                Run(k, true, true, 301, 40, 300, 1f, 0.5f, 0, 0, 0, seed: 7);
            }
        }

        [Fact]
        public void ResultDoesNotDependOnThreadCount()
        {
            int m = 150, n = 260, k = 300;
            float[] a = TestUtil.Random(m * k, 1), b = TestUtil.Random(k * n, 2);
            var c1 = new float[m * n];
            var c4 = new float[m * n];
            CpuWorkerPool.MakeCurrent(new CpuWorkerPool(1));
            Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c1, n);
            using var four = new CpuWorkerPool(4);
            CpuWorkerPool.MakeCurrent(four);
            try
            {
                Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c4, n);
            }
            finally
            {
                CpuWorkerPool.MakeCurrent(null);
            }

            Assert.Equal(c1, c4);
        }

        [Fact]
        public void BetaZeroIgnoresNaNInC()
        {
            int m = 9, n = 35, k = 4;
            float[] a = TestUtil.Random(m * k, 1), b = TestUtil.Random(k * n, 2);
            var c = new float[m * n];
            Array.Fill(c, float.NaN);
            Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            Assert.All(c, v => Assert.False(float.IsNaN(v)));
        }

        [Fact]
        public void KZeroAndAlphaZeroScaleC()
        {
            var c = new float[] { 1, 2, 3, 4, 5, 6 };
            Gemm.Multiply(false, false, 2, 3, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 3, 2f, c, 3);
            Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, c);
            float[] a = TestUtil.Random(4, 1), b = TestUtil.Random(6, 2);
            Gemm.Multiply(false, false, 2, 3, 2, 0f, a, 2, b, 3, 0.5f, c, 3);
            Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c);
        }

        public static IEnumerable<object[]> Epilogues()
        {
            foreach (Activation act in Enum.GetValues<Activation>())
            {
                yield return new object[] { act, 37, 70, 33 };   // direct orientation
                yield return new object[] { act, 300, 5, 33 };   // narrow n: the operands are swapped
            }
        }

        [Theory]
        [MemberData(nameof(Epilogues))]
        public void FusedBiasAndActivation(Activation act, int m, int n, int k)
        {
            float[] a = TestUtil.Random(m * k, 11), b = TestUtil.Random(k * n, 12);
            float[] rowBias = TestUtil.Random(m, 13), colBias = TestUtil.Random(n, 14);
            var c = TestUtil.Random(m * n, 15);
            var expected = new double[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0.5 * c[(i * n) + j];
                    for (int p = 0; p < k; p++)
                    {
                        s += 2.0 * a[(i * k) + p] * b[(p * n) + j];
                    }

                    expected[(i * n) + j] = TestUtil.Act(act, s + rowBias[i] + colBias[j]);
                }
            }

            Gemm.Multiply(false, false, m, n, k, 2f, a, k, b, n, 0.5f, c, n, rowBias, colBias, act);
            TestUtil.AssertClose(expected, c, 1e-4, 1e-4, default, $"{act} {m}x{n}x{k}");
        }

        [Theory]
        [InlineData(GemmKernel.Vector512x8x32, 64, 8, true)]      // 8 of 32 tile columns used vs all 8 rows
        [InlineData(GemmKernel.Vector512x8x32, 512, 16, true)]    // a 4x4 feature map against 512 channels
        [InlineData(GemmKernel.Vector512x8x32, 64, 1024, false)]
        [InlineData(GemmKernel.Vector512x8x32, 100, 96, false)]   // both fit about equally
        [InlineData(GemmKernel.Vector256x6x16, 300, 5, true)]
        public void SwapsOnlyWhenTheTransposeFitsTheTileBetter(GemmKernel kernel, int m, int n, bool expected)
        {
            Assert.Equal(expected, Gemm.ShouldSwap(kernel, m, n));
        }

        [Fact]
        public void RejectsTooShortOperands()
        {
            var a = new float[5];
            var b = new float[6];
            var c = new float[6];
            Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 3, 1f, a, 3, b, 3, 0f, c, 3));
            Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 2, 1f, new float[4], 1, b, 3, 0f, c, 3));
        }

        private static void Run(GemmKernel kernel, bool transA, bool transB, int m, int n, int k, float alpha, float beta, int padA, int padB, int padC, int seed)
        {
            int lda = (transA ? m : k) + padA;
            int ldb = (transB ? k : n) + padB;
            int ldc = n + padC;
            float[] a = TestUtil.Random(((transA ? k : m) * lda) + 1, seed);
            float[] b = TestUtil.Random(((transB ? n : k) * ldb) + 1, seed + 1000);
            float[] c = TestUtil.Random(m * ldc, seed + 2000);
            var expected = new double[c.Length];
            var scale = new double[c.Length];
            for (int i = 0; i < c.Length; i++)
            {
                expected[i] = c[i];
            }

            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0, mag = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                        double bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                        s += av * bv;
                        mag += Math.Abs(av * bv);
                    }

                    int ci = (i * ldc) + j;
                    scale[ci] = (Math.Abs(alpha) * mag) + Math.Abs(beta * c[ci]);
                    expected[ci] = (alpha * s) + (beta * (double)c[ci]);
                }
            }

            Gemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, default, Activation.None, kernel);
            TestUtil.AssertClose(expected, c, 1e-5, 1e-6, scale, $"{kernel} {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {m}x{n}x{k} a={alpha} b={beta}");
        }
    }
}
