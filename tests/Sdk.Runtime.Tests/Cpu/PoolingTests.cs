using System;
using System.Collections.Generic;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class PoolingTests
    {
        public static IEnumerable<object[]> Shapes()
        {
            yield return new object[] { Pool2DDescriptor.Square(3, 8, 8, 2), 2 };
            yield return new object[] { Pool2DDescriptor.Square(2, 7, 9, 3, stride: 2, padding: 1), 3 };
            yield return new object[] { Pool2DDescriptor.Square(4, 5, 5, 3, stride: 1, padding: 1), 2 };
            yield return new object[] { new Pool2DDescriptor { Channels = 2, InHeight = 6, InWidth = 7, KernelHeight = 2, KernelWidth = 3, StrideHeight = 1, StrideWidth = 2, PadTop = 1, PadLeft = 0, PadBottom = 0, PadRight = 2 }, 2 };
            yield return new object[] { Pool2DDescriptor.Square(16, 32, 32, 2), 4 }; // large enough to run in parallel
            yield return new object[] { Pool2DDescriptor.Square(3, 7, 9, 2), 2 }; // 2x2 fast path, odd sizes: the last row and column are dropped

            // Dilation, ceil_mode (a last window overhanging the padded input), count_include_pad, asymmetric pads.
            yield return new object[] { new Pool2DDescriptor { Channels = 2, InHeight = 9, InWidth = 8, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, StrideWidth = 1, DilationHeight = 2, DilationWidth = 3 }, 2 };
            yield return new object[] { new Pool2DDescriptor { Channels = 3, InHeight = 7, InWidth = 6, KernelHeight = 3, KernelWidth = 3, StrideHeight = 2, StrideWidth = 2, PadTop = 1, PadLeft = 0, PadBottom = 0, PadRight = 1, CeilMode = true }, 2 };
            yield return new object[] { new Pool2DDescriptor { Channels = 2, InHeight = 5, InWidth = 6, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, StrideWidth = 2, PadTop = 2, PadLeft = 1, PadBottom = 1, PadRight = 1, CountIncludePad = true }, 2 };
            yield return new object[] { new Pool2DDescriptor { Channels = 2, InHeight = 8, InWidth = 7, KernelHeight = 2, KernelWidth = 3, StrideHeight = 3, StrideWidth = 2, PadTop = 1, PadLeft = 2, PadBottom = 1, PadRight = 1, DilationHeight = 2, DilationWidth = 2, CeilMode = true, CountIncludePad = true }, 3 };
        }

        [Theory]
        [MemberData(nameof(Shapes))]
        public void MaxPoolForwardAndBackward(Pool2DDescriptor d, int batch)
        {
            using var pool = TestUtil.PrivatePool();
            float[] x = DistinctValues(batch * d.InputSampleLength, 1);
            var y = new float[batch * d.OutputSampleLength];
            var idx = new int[y.Length];
            Pooling.MaxForward(d, x, y, idx, batch);
            var (ey, eidx) = NaiveMax(d, batch, x);
            Assert.Equal(ey, y);
            Assert.Equal(eidx, idx);

            float[] dy = TestUtil.Random(y.Length, 2);
            var dx = TestUtil.Random(x.Length, 3);
            Pooling.MaxBackward(d, default, idx, dy, dx, batch);
            var edx = new double[x.Length];
            int hw = d.InHeight * d.InWidth, ohw = d.OutHeight * d.OutWidth;
            for (int o = 0; o < y.Length; o++)
            {
                edx[(o / ohw * hw) + eidx[o]] += dy[o];
            }

            TestUtil.AssertClose(edx, dx, 1e-6, 1e-6, default, "maxpool dx");
            var dx2 = new float[x.Length];
            Pooling.MaxBackward(d, x, default, dy, dx2, batch);
            Assert.Equal(dx, dx2);

            double Loss()
            {
                Pooling.MaxForward(d, x, y, default, batch);
                return TestUtil.Dot(y, dy);
            }

            if (x.Length <= 4000)
            {
                // Values are 0.01 apart and at most ±20, so x ± h never changes a window's argmax.
                TestUtil.CheckGradient(x, dx, Loss, "maxpool", h: 2e-3f, abs: 2e-3);
            }
        }

        [Theory]
        [MemberData(nameof(Shapes))]
        public void AvgPoolForwardAndBackward(Pool2DDescriptor d, int batch)
        {
            using var pool = TestUtil.PrivatePool();
            float[] x = TestUtil.Random(batch * d.InputSampleLength, 1);
            var y = new float[batch * d.OutputSampleLength];
            Pooling.AvgForward(d, x, y, batch);
            var ey = new double[y.Length];
            int hw = d.InHeight * d.InWidth, ohw = d.OutHeight * d.OutWidth;
            for (int p = 0; p < batch * d.Channels; p++)
            {
                for (int oh = 0; oh < d.OutHeight; oh++)
                {
                    for (int ow = 0; ow < d.OutWidth; ow++)
                    {
                        double s = 0;
                        int count = 0;
                        foreach (int i in Window(d, oh, ow))
                        {
                            s += x[(p * hw) + i];
                            count++;
                        }

                        ey[(p * ohw) + (oh * d.OutWidth) + ow] = s / (d.CountIncludePad ? PaddedCount(d, oh, ow) : count);
                    }
                }
            }

            TestUtil.AssertClose(ey, y, 1e-5, 1e-6, default, "avgpool");
            float[] dy = TestUtil.Random(y.Length, 2);
            var dx = TestUtil.Random(x.Length, 3);
            Pooling.AvgBackward(d, dy, dx, batch);
            double Loss()
            {
                Pooling.AvgForward(d, x, y, batch);
                return TestUtil.Dot(y, dy);
            }

            TestUtil.CheckGradient(x, dx, Loss, "avgpool");
        }

        [Fact]
        public void AvgPoolExcludesPaddingFromTheCount()
        {
            // 2x2 input of ones, 3x3 window with padding 1: every window average is exactly 1.
            var d = Pool2DDescriptor.Square(1, 2, 2, 3, stride: 1, padding: 1);
            var y = new float[4];
            Pooling.AvgForward(d, new float[] { 1, 1, 1, 1 }, y, 1);
            Assert.Equal(new float[] { 1, 1, 1, 1 }, y);
        }

        [Fact]
        public void GlobalAveragePool()
        {
            int batch = 3, c = 5, s = 37;
            float[] x = TestUtil.Random(batch * c * s, 1);
            var y = new float[batch * c];
            Pooling.GlobalAvgForward(x, y, batch, c, s);
            var ey = new double[y.Length];
            for (int p = 0; p < y.Length; p++)
            {
                for (int i = 0; i < s; i++)
                {
                    ey[p] += x[(p * s) + i] / (double)s;
                }
            }

            TestUtil.AssertClose(ey, y, 1e-5, 1e-6, default, "gap");
            float[] dy = TestUtil.Random(y.Length, 2);
            var dx = new float[x.Length];
            Pooling.GlobalAvgBackward(dy, dx, batch, c, s);
            double Loss()
            {
                Pooling.GlobalAvgForward(x, y, batch, c, s);
                return TestUtil.Dot(y, dy);
            }

            TestUtil.CheckGradient(x, dx, Loss, "gap");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void MaxPool2x2_TiesPickTheFirstMaximum_NaNWins(int padBottom)
        {
            // Row-major windows: {1, 3 | 3, 2} -> the first 3 (index 1); {5, 5 | NaN, 1} -> NaN (index 6). Row 2 is left
            // out without padding (the 2x2 fast path); with bottom padding it forms a third window row with the padded
            // row (the general path): {7, 0} -> index 8, {-1, -2} -> index 10.
            var d = Pool2DDescriptor.Square(1, 3, 4, 2) with { PadBottom = padBottom };
            float[] x = { 1, 3, 5, 5, 3, 2, float.NaN, 1, 7, 0, -1, -2 };
            var y = new float[d.OutputSampleLength];
            var idx = new int[y.Length];
            Pooling.MaxForward(d, x, y, idx, 1);
            Assert.Equal(padBottom == 0 ? new[] { 1, 6 } : new[] { 1, 6, 8, 10 }, idx);
            Assert.Equal(3f, y[0]);
            Assert.True(float.IsNaN(y[1]));
        }

        [Fact]
        public void RejectsPaddingAsLargeAsTheWindow()
        {
            var d = Pool2DDescriptor.Square(1, 4, 4, 2, stride: 2, padding: 2);
            Assert.Throws<ArgumentException>(() => Pooling.AvgForward(d, new float[16], new float[16], 1));
        }

        [Theory]
        [InlineData(7, 3, 2, 1, 0, 0, false, 3)] // floor((7 - 3) / 2) + 1
        [InlineData(7, 2, 2, 1, 0, 0, true, 4)] // ceil((7 - 2) / 2) + 1: the last window overhangs by one
        [InlineData(5, 3, 3, 1, 1, 1, true, 2)] // ceil((5 + 2 - 3) / 3) + 1 = 3, but the third would start at 6 = H + pad: dropped
        [InlineData(9, 3, 1, 2, 0, 0, false, 5)] // dilation 2: extent 5
        [InlineData(2, 3, 2, 1, 0, 0, false, 0)] // the window does not fit (not floor(-1 / 2) + 1 = 1 by truncation)
        public void OutputSizeFollowsOnnx(int input, int kernel, int stride, int dilation, int padBegin, int padEnd, bool ceil, int expected)
        {
            var d = new Pool2DDescriptor
            {
                Channels = 1, InHeight = input, InWidth = 1, KernelHeight = kernel, KernelWidth = 1, StrideHeight = stride,
                PadTop = padBegin, PadBottom = padEnd, DilationHeight = dilation, CeilMode = ceil,
            };
            Assert.Equal(expected, d.OutHeight);
        }

        [Fact]
        public void CountIncludePadDividesByThePaddedWindow()
        {
            // 2x2 input of ones, 3x3 window, padding 1: the corner windows see 4 ones among 9 positions.
            var d = Pool2DDescriptor.Square(1, 2, 2, 3, stride: 1, padding: 1) with { CountIncludePad = true };
            var y = new float[4];
            Pooling.AvgForward(d, new float[] { 1, 1, 1, 1 }, y, 1);
            Assert.Equal(new float[] { 4f / 9, 4f / 9, 4f / 9, 4f / 9 }, y);

            // ceil_mode overhang beyond the end padding is not counted: input 3, kernel 2, stride 2, no padding:
            // the second window holds one element and one overhang position, so it divides by 1.
            var ceil = new Pool2DDescriptor { Channels = 1, InHeight = 1, InWidth = 3, KernelHeight = 1, KernelWidth = 2, StrideWidth = 2, CeilMode = true, CountIncludePad = true };
            var y2 = new float[2];
            Pooling.AvgForward(ceil, new float[] { 1, 2, 6 }, y2, 1);
            Assert.Equal(new float[] { 1.5f, 6 }, y2);
        }

        [Fact]
        public void RejectsADilatedWindowThatReadsOnlyPadding()
        {
            // Input 2, kernel 2, dilation 4, pads 1/2: the one window reads -1 and 3, both outside the input.
            var d = new Pool2DDescriptor { Channels = 1, InHeight = 1, InWidth = 2, KernelHeight = 1, KernelWidth = 2, DilationWidth = 4, PadLeft = 1, PadRight = 2 };
            Assert.Equal(1, d.OutWidth);
            Assert.Throws<ArgumentException>(() => Pooling.MaxForward(d, new float[2], new float[1], default, 1));
        }

        public static IEnumerable<object[]> FastShapes()
        {
            // Widths giving 1..17 outputs per row: scalar rows, 4-wide SSE blocks (2x2), 8-wide blocks and the
            // overlapping last block; heights and widths with a remainder the windows leave out.
            foreach (int k in new[] { 2, 3 })
            {
                foreach (int outWidth in new[] { 1, 3, 4, 5, 7, 8, 9, 14, 16, 17 })
                {
                    yield return new object[] { k, 2, (3 * k) + (outWidth % k), (outWidth * k) + (outWidth % 3 == 0 ? 0 : k - 1), 3, false };
                }

                yield return new object[] { k, 16, 8 * k * 2, 8 * k * 2, 4, false }; // large enough to run in parallel
                yield return new object[] { k, 2, 4 * k, 9 * k, 2, true }; // ceil_mode with no overhang: every window full
            }
        }

        [Theory]
        [MemberData(nameof(FastShapes))]
        public void FastPathMatchesTheGeneralPath(int k, int channels, int height, int width, int batch, bool ceil)
        {
            using var pool = TestUtil.PrivatePool();
            var d = new Pool2DDescriptor
            {
                Channels = channels, InHeight = height, InWidth = width, KernelHeight = k, KernelWidth = k, StrideHeight = k, StrideWidth = k,
                CeilMode = ceil, PadBottom = ceil ? 1 : 0, CountIncludePad = ceil,
            };
            Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? k : 0, Pooling.FastWindow(d));
            float[] x = TestUtil.Random(batch * d.InputSampleLength, k + width);
            foreach (bool max in new[] { true, false })
            {
                float[] fast = Forward(d, x, batch, max, general: false), general = Forward(d, x, batch, max, general: true);
                Assert.Equal(general, fast);
            }
        }

        [Fact]
        public void FastPathKeepsNaNsInfinitiesAndNegativeZeros()
        {
            foreach (int k in new[] { 2, 3 })
            {
                var d = Pool2DDescriptor.Square(1, k, 10 * k, k);
                float[] x = TestUtil.Random(d.InputSampleLength, 5);
                x[0] = float.NaN; // window 0
                x[(k * 1) + 1] = float.PositiveInfinity; // window 1
                x[(k * 2) + (k - 1)] = float.NegativeInfinity; // window 2: the max ignores it, the mean becomes -inf
                x[((k - 1) * d.InWidth) + (k * 3) + (k - 1)] = float.NaN; // window 3: a NaN last in row-major order
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        x[(i * d.InWidth) + (9 * k) + j] = -0f; // window 9: all -0
                    }
                }

                float[] max = Forward(d, x, 1, max: true, general: false), mean = Forward(d, x, 1, max: false, general: false);
                Assert.True(float.IsNaN(max[0]) && float.IsNaN(mean[0]));
                Assert.Equal(float.PositiveInfinity, max[1]);
                Assert.Equal(float.PositiveInfinity, mean[1]);
                Assert.True(float.IsNaN(max[3]) && float.IsNaN(mean[3]));
                Assert.Equal(Forward(d, x, 1, max: true, general: true)[2], max[2]);
                Assert.Equal(float.NegativeInfinity, mean[2]);
                Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(mean[9]));
                Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(Forward(d, x, 1, max: false, general: true)[9]));
                Assert.Equal(Forward(d, x, 1, max: false, general: true), mean);
            }
        }

        private static float[] Forward(Pool2DDescriptor d, float[] x, int batch, bool max, bool general)
        {
            var y = new float[batch * d.OutputSampleLength];
            Pooling.ForceGeneralPath = general;
            try
            {
                if (max)
                {
                    Pooling.MaxForward(d, x, y, default, batch);
                }
                else
                {
                    Pooling.AvgForward(d, x, y, batch);
                }
            }
            finally
            {
                Pooling.ForceGeneralPath = false;
            }

            return y;
        }

        /// <summary>Window positions inside the padded input [-pad begin, in + pad end) (count_include_pad).</summary>
        private static int PaddedCount(Pool2DDescriptor d, int oh, int ow)
        {
            int rows = 0, cols = 0;
            for (int kh = 0; kh < d.KernelHeight; kh++)
            {
                rows += (oh * d.StrideHeight) - d.PadTop + (kh * d.DilationHeight) < d.InHeight + d.PadBottom ? 1 : 0;
            }

            for (int kw = 0; kw < d.KernelWidth; kw++)
            {
                cols += (ow * d.StrideWidth) - d.PadLeft + (kw * d.DilationWidth) < d.InWidth + d.PadRight ? 1 : 0;
            }

            return rows * cols;
        }

        private static IEnumerable<int> Window(Pool2DDescriptor d, int oh, int ow)
        {
            for (int kh = 0; kh < d.KernelHeight; kh++)
            {
                for (int kw = 0; kw < d.KernelWidth; kw++)
                {
                    int ih = (oh * d.StrideHeight) - d.PadTop + (kh * d.DilationHeight), iw = (ow * d.StrideWidth) - d.PadLeft + (kw * d.DilationWidth);
                    if (ih >= 0 && ih < d.InHeight && iw >= 0 && iw < d.InWidth)
                    {
                        yield return (ih * d.InWidth) + iw;
                    }
                }
            }
        }

        private static (float[] Y, int[] Idx) NaiveMax(Pool2DDescriptor d, int batch, float[] x)
        {
            int hw = d.InHeight * d.InWidth, ohw = d.OutHeight * d.OutWidth;
            var y = new float[batch * d.OutputSampleLength];
            var idx = new int[y.Length];
            for (int p = 0; p < batch * d.Channels; p++)
            {
                for (int oh = 0; oh < d.OutHeight; oh++)
                {
                    for (int ow = 0; ow < d.OutWidth; ow++)
                    {
                        float best = float.NegativeInfinity;
                        int bi = -1;
                        foreach (int i in Window(d, oh, ow))
                        {
                            if (x[(p * hw) + i] > best)
                            {
                                best = x[(p * hw) + i];
                                bi = i;
                            }
                        }

                        y[(p * ohw) + (oh * d.OutWidth) + ow] = best;
                        idx[(p * ohw) + (oh * d.OutWidth) + ow] = bi;
                    }
                }
            }

            return (y, idx);
        }

        /// <summary>A shuffled, well separated set of values, so no window has ties and finite differences never cross a kink.</summary>
        private static float[] DistinctValues(int n, int seed)
        {
            var rnd = new Random(seed);
            var a = new float[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = (i - (n / 2)) * 0.01f;
            }

            rnd.Shuffle(a);
            return a;
        }
    }
}
