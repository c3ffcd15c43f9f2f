using System;
using System.Collections.Generic;
using Sdk.Runtime.Backends.Cpu;
using Xunit;

namespace Sdk.Runtime.Tests.Cpu
{
    /// <summary>
    /// The Winograd F(2x2, 3x3) convolution against the naive direct sum in double, on ragged shapes, within its stated
    /// error bound (docs/cpu-kernels.md):
    /// |ŷ − y| ≤ 9 (C + 8) u Σ_c ‖g_c‖₁ ‖d_c‖₁ + u |b|, u = 2⁻²⁴, where g_c is the output channel's 3x3 kernel for input
    /// channel c and d_c the 4x4 input patch of the output's tile. Why: every transformed weight is at most ‖g_c‖₁
    /// (G's entries are at most 1 in magnitude), every transformed input at most ‖d_c‖₁ (Bᵀ's are 0 or ±1), an output is
    /// ±1 times at most 9 of the 16 products summed over C, and each value passes at most C + 8 roundings (the
    /// weights' transform once, the input's 3 additions, the accumulation over C, the output's 4 additions).
    /// </summary>
    public unsafe class WinogradTests
    {
        public static IEnumerable<object[]> Shapes() => new[]
        {
            // name, C, H, W, M, pads (top, left, bottom, right), batches
            new object[] { "odd 7x9 map, pad 1, ragged channels", 5, 7, 9, 11, new[] { 1, 1, 1, 1 }, new[] { 1, 3 } },
            new object[] { "no padding (5x5 out), 37 channels", 37, 7, 7, 40, new[] { 0, 0, 0, 0 }, new[] { 1, 2 } },
            new object[] { "asymmetric pads", 8, 6, 13, 16, new[] { 2, 0, 1, 2 }, new[] { 1, 4 } },
            new object[] { "tile rows wider than a vector (32x32)", 16, 32, 32, 24, new[] { 1, 1, 1, 1 }, new[] { 1, 3 } },
            new object[] { "Fashion 28x28 (14 tiles a row)", 9, 28, 28, 33, new[] { 1, 1, 1, 1 }, new[] { 1, 5 } },
            new object[] { "depth past one GEMM block (300 channels), 4x4 map", 300, 4, 4, 20, new[] { 1, 1, 1, 1 }, new[] { 1, 7 } },
            new object[] { "wide output, small map: channel shares", 12, 8, 8, 130, new[] { 1, 1, 1, 1 }, new[] { 1, 2 } },
            new object[] { "one output", 3, 3, 3, 2, new[] { 0, 0, 0, 0 }, new[] { 1, 9 } },
            new object[] { "bands of tile rows (34x30, 64 channels)", 64, 34, 30, 16, new[] { 1, 1, 1, 1 }, new[] { 1, 2 } },
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void MatchesTheDirectSumWithinItsErrorBound(string name, int c, int h, int w, int m, int[] pads, int[] batches)
        {
            using var pool = TestUtil.PrivatePool();
            foreach (var kernel in Kernels())
            {
                foreach (var act in new[] { Activation.None, Activation.Relu, Activation.Relu6, Activation.Tanh })
                {
                    foreach (int batch in batches)
                    {
                        var d = Descriptor(c, h, w, m, pads, act);
                        var x = TestUtil.Random(batch * d.InputSampleLength, 1, -4f, 4f);
                        var k = TestUtil.Random(d.WeightLength, 2);
                        var b = TestUtil.Random(m, 3);
                        var y = Run(d, kernel, x, k, b, batch, null, Activation.None);
                        var (expected, _) = ConvTests.NaiveForward(d, batch, x, k, b);
                        AssertWithinBound(d, batch, x, k, b, expected, y, $"{name} batch {batch} {act} {kernel}");
                    }
                }
            }
        }

        [Fact]
        public void AddsAFusedResidualAfterTheActivation()
        {
            using var pool = TestUtil.PrivatePool();
            foreach (var kernel in Kernels())
            {
                foreach (int batch in new[] { 1, 3 })
                {
                    var d = Descriptor(6, 9, 15, 10, new[] { 1, 1, 1, 1 }, Activation.None);
                    var x = TestUtil.Random(batch * d.InputSampleLength, 1);
                    var k = TestUtil.Random(d.WeightLength, 2);
                    var b = TestUtil.Random(d.OutChannels, 3);
                    var residual = TestUtil.Random(batch * d.OutputSampleLength, 4, -3f, 3f);
                    var y = Run(d, kernel, x, k, b, batch, residual, Activation.Relu);
                    var (direct, _) = ConvTests.NaiveForward(d, batch, x, k, b);
                    var expected = new double[direct.Length];
                    for (int i = 0; i < expected.Length; i++)
                    {
                        expected[i] = Math.Max(0, direct[i] + residual[i]);
                    }

                    AssertWithinBound(d, batch, x, k, b, expected, y, $"residual batch {batch} {kernel}");
                }
            }
        }

        [Fact]
        public void TheCheckCatchesAWeightOffByTenPercent()
        {
            // The bound is a worst case, far above the typical error; still, one weight off by 10 % (a smaller mistake
            // than any wrong transform coefficient) must break the check.
            using var pool = TestUtil.PrivatePool();
            var d = Descriptor(16, 10, 10, 8, new[] { 1, 1, 1, 1 }, Activation.None);
            var x = TestUtil.Random(d.InputSampleLength, 1, -4f, 4f);
            var k = TestUtil.Random(d.WeightLength, 2);
            var b = TestUtil.Random(d.OutChannels, 3);
            var (expected, _) = ConvTests.NaiveForward(d, 1, x, k, b);
            var bumped = (float[])k.Clone();
            bumped[4] *= 1.1f;
            foreach (var kernel in Kernels())
            {
                var y = Run(d, kernel, x, bumped, b, 1, null, Activation.None);
                Assert.ThrowsAny<Exception>(() => AssertWithinBound(d, 1, x, k, b, expected, y, "perturbed"));
            }
        }

        private static IEnumerable<GemmKernel> Kernels()
        {
            foreach (var kernel in TestUtil.SupportedKernels())
            {
                if (WinogradConv.Supports(default(ConvGeometry) with { KH = 3, KW = 3, SH = 1, SW = 1, DH = 1, DW = 1, G = 1 }, kernel))
                {
                    yield return kernel;
                }
            }
        }

        private static Conv2DDescriptor Descriptor(int c, int h, int w, int m, int[] pads, Activation act) => new()
        {
            InChannels = c,
            InHeight = h,
            InWidth = w,
            OutChannels = m,
            KernelHeight = 3,
            KernelWidth = 3,
            PadTop = pads[0],
            PadLeft = pads[1],
            PadBottom = pads[2],
            PadRight = pads[3],
            Activation = act,
        };

        private static float[] Run(Conv2DDescriptor d, GemmKernel kernel, float[] x, float[] k, float[] b, int batch, float[]? residual, Activation residualAct)
        {
            var g = ConvGeometry.From(d);
            Assert.True(WinogradConv.Supports(g, kernel));
            var tasks = CpuConvModel.WinogradTasks(d.Shape, GemmEngine.Target(kernel), batch, CpuWorkerPool.AvailableThreads);
            var packed = new float[WinogradConv.PackedLength(g, kernel)];
            var y = TestUtil.Random(batch * d.OutputSampleLength, 9); // garbage: must be overwritten
            fixed (float* xp = x)
            fixed (float* kp = k)
            fixed (float* bp = b)
            fixed (float* pp = packed)
            fixed (float* yp = y)
            fixed (float* rp = residual)
            {
                WinogradConv.PackWeights(g, kernel, kp, pp);
                WinogradConv.Forward(g, kernel, tasks, xp, pp, bp, yp, batch, d.Activation, rp, residualAct);
            }

            return y;
        }

        /// <summary>
        /// The class comment's bound per output element (plus one rounding of the result for a fused residual; clamps do
        /// not widen it), and the direct kernels' own tolerance (<see cref="ConvTests"/>: 10⁻⁴ of Σ|w·x| over the window).
        /// </summary>
        private static void AssertWithinBound(Conv2DDescriptor d, int batch, float[] x, float[] k, float[] b, double[] expected, float[] y, string what)
        {
            const double u = 1.0 / (1 << 24);
            int oh = d.OutHeight, ow = d.OutWidth, c = d.InChannels;
            for (int n = 0; n < batch; n++)
            {
                for (int m = 0; m < d.OutChannels; m++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            // The tile's 4x4 patch starts at output (2⌊i/2⌋, 2⌊j/2⌋) minus the padding.
                            int r0 = (i & ~1) - d.PadTop, s0 = (j & ~1) - d.PadLeft;
                            double sum = 0;
                            for (int ch = 0; ch < c; ch++)
                            {
                                double g1 = 0, d1 = 0;
                                for (int t = 0; t < 9; t++)
                                {
                                    g1 += Math.Abs(k[(((m * c) + ch) * 9) + t]);
                                }

                                for (int r = r0; r < r0 + 4; r++)
                                {
                                    for (int s = s0; s < s0 + 4; s++)
                                    {
                                        if (r >= 0 && r < d.InHeight && s >= 0 && s < d.InWidth)
                                        {
                                            d1 += Math.Abs(x[((((n * c) + ch) * d.InHeight) + r) * d.InWidth + s]);
                                        }
                                    }
                                }

                                sum += g1 * d1;
                            }

                            int o = ((((n * d.OutChannels) + m) * oh) + i) * ow + j;
                            double bound = (9 * (c + 8) * u * sum) + (u * Math.Abs(b[m])) + (u * Math.Abs(expected[o]));
                            double err = Math.Abs(y[o] - expected[o]);
                            if (!(err <= bound))
                            {
                                Assert.Fail($"{what}: output {o} (sample {n}, channel {m}, row {i}, column {j}): expected {expected[o]:R}, got {y[o]:R}, error {err:E2} > bound {bound:E2}");
                            }

                        }
                    }
                }
            }

            var (_, scale) = ConvTests.NaiveForward(d, batch, x, k, b);
            TestUtil.AssertClose(expected, y, 1e-4, 1e-5, scale, what);
        }
    }
}
