using System;
using System.Collections.Generic;
using Sdk.Runtime.Cpu;

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

                        ey[(p * ohw) + (oh * d.OutWidth) + ow] = s / count;
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

        private static IEnumerable<int> Window(Pool2DDescriptor d, int oh, int ow)
        {
            for (int kh = 0; kh < d.KernelHeight; kh++)
            {
                for (int kw = 0; kw < d.KernelWidth; kw++)
                {
                    int ih = (oh * d.StrideHeight) - d.PadTop + kh, iw = (ow * d.StrideWidth) - d.PadLeft + kw;
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
