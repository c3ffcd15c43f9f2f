using System;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class NormalizationTests
    {
        [Theory]
        [InlineData(2, 3, 17, Activation.None)]
        [InlineData(4, 8, 64, Activation.Relu)]
        [InlineData(32, 1, 1, Activation.None)]   // after a dense layer: spatial 1
        [InlineData(8, 16, 1024, Activation.Relu6)] // large enough to run in parallel
        public void InferenceIsTheFoldedAffineMap(int batch, int c, int s, Activation act)
        {
            using var pool = TestUtil.PrivatePool();
            float[] x = TestUtil.Random(batch * c * s, 1, -3, 3);
            float[] gamma = TestUtil.Random(c, 2, 0.5f, 2f), beta = TestUtil.Random(c, 3), mean = TestUtil.Random(c, 4), variance = TestUtil.Random(c, 5, 0.1f, 3f);
            var y = new float[x.Length];
            BatchNorm.Inference(x, y, batch, c, s, gamma, beta, mean, variance, 1e-5f, act);
            var e = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int ch = i / s % c;
                e[i] = TestUtil.Act(act, (gamma[ch] * (x[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5)) + beta[ch]);
            }

            TestUtil.AssertClose(e, y, 1e-5, 1e-5, default, "bn inference");
        }

        [Theory]
        [InlineData(3, 4, 10)]
        [InlineData(16, 3, 1)]
        [InlineData(8, 16, 512)]
        public void TrainingForwardBackward(int batch, int c, int s)
        {
            using var pool = TestUtil.PrivatePool();
            float[] x = TestUtil.Random(batch * c * s, 1, -2, 4);
            float[] gamma = TestUtil.Random(c, 2, 0.5f, 2f), beta = TestUtil.Random(c, 3);
            float[] rm = TestUtil.Random(c, 4), rv = TestUtil.Random(c, 5, 0.5f, 2f);
            float[] rm0 = (float[])rm.Clone(), rv0 = (float[])rv.Clone();
            var y = new float[x.Length];
            var mean = new float[c];
            var inv = new float[c];
            BatchNorm.TrainingForward(x, y, batch, c, s, gamma, beta, rm, rv, 0.1f, 1e-5f, mean, inv);

            int count = batch * s;
            for (int ch = 0; ch < c; ch++)
            {
                double m = 0, v = 0;
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < s; i++)
                    {
                        m += x[(((n * c) + ch) * s) + i];
                    }
                }

                m /= count;
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < s; i++)
                    {
                        v += Math.Pow(x[(((n * c) + ch) * s) + i] - m, 2);
                    }
                }

                v /= count;
                Near(m, mean[ch], 1e-5);
                Near(1 / Math.Sqrt(v + 1e-5), inv[ch], 1e-5);
                Near((0.9 * rm0[ch]) + (0.1 * m), rm[ch], 1e-5);
                double unbiased = count > 1 ? v * count / (count - 1) : v;
                Near((0.9 * rv0[ch]) + (0.1 * unbiased), rv[ch], 1e-5);
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < s; i++)
                    {
                        int k = (((n * c) + ch) * s) + i;
                        Near((gamma[ch] * (x[k] - m) / Math.Sqrt(v + 1e-5)) + beta[ch], y[k], 1e-5);
                    }
                }
            }

            float[] r = TestUtil.Random(x.Length, 6);
            var dx = new float[x.Length];
            var dg = new float[c];
            var db = new float[c];
            BatchNorm.TrainingBackward(x, r, dx, batch, c, s, gamma, mean, inv, dg, db);
            float[] scratchM = new float[c], scratchV = new float[c], sm = new float[c], si = new float[c];
            double Loss()
            {
                BatchNorm.TrainingForward(x, y, batch, c, s, gamma, beta, scratchM, scratchV, 0.1f, 1e-5f, sm, si);
                return TestUtil.Dot(y, r);
            }

            TestUtil.CheckGradient(x, dx, Loss, "bn dx", h: 1e-2f);
            TestUtil.CheckGradient(gamma, dg, Loss, "bn dgamma");
            TestUtil.CheckGradient(beta, db, Loss, "bn dbeta");
        }

        private static void Near(double expected, double actual, double rel)
        {
            Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
        }
    }
}
