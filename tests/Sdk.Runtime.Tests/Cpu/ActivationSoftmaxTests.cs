using System;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class ActivationSoftmaxTests
    {
        [Theory]
        [InlineData(Activation.None)]
        [InlineData(Activation.Relu)]
        [InlineData(Activation.Relu6)]
        [InlineData(Activation.Sigmoid)]
        [InlineData(Activation.Tanh)]
        [InlineData(Activation.Gelu)]
        public void ForwardAndBackward(Activation act)
        {
            using var pool = TestUtil.PrivatePool();
            foreach (int n in new[] { 1, 7, 8, 29, 300_001 })
            {
                float[] x = TestUtil.Random(n, n, -8, 8);
                for (int i = 0; i < n; i++)
                {
                    // Keep away from the kinks of relu/relu6 so the central difference below is the derivative.
                    if (Math.Abs(x[i]) < 1e-2f || Math.Abs(x[i] - 6f) < 1e-2f)
                    {
                        x[i] += 0.05f;
                    }
                }

                var y = new float[n];
                Activations.Forward(act, x, y);
                var e = new double[n];
                for (int i = 0; i < n; i++)
                {
                    e[i] = TestUtil.Act(act, x[i]);
                }

                TestUtil.AssertClose(e, y, 2e-6, 1e-6, default, $"{act} forward n={n}");

                float[] dy = TestUtil.Random(n, n + 1);
                var dx = new float[n];
                Activations.Backward(act, act == Activation.Gelu ? x : default, act == Activation.Gelu ? default : y, dy, dx);
                var ed = new double[n];
                for (int i = 0; i < n; i++)
                {
                    const double h = 1e-4;
                    ed[i] = dy[i] * (TestUtil.Act(act, x[i] + h) - TestUtil.Act(act, x[i] - h)) / (2 * h);
                }

                // Analytic vs (double) central difference of the exact function; relu kinks at 0 are not sampled.
                TestUtil.AssertClose(ed, dx, 1e-4, 1e-5, default, $"{act} backward n={n}");
            }
        }

        [Fact]
        public void ForwardInPlace()
        {
            float[] x = TestUtil.Random(100, 1, -3, 3);
            float[] copy = (float[])x.Clone();
            var y = new float[100];
            Activations.Forward(Activation.Gelu, copy, y);
            Activations.Forward(Activation.Gelu, x);
            Assert.Equal(y, x);
        }

        [Theory]
        [InlineData(4, 10, 1)]
        [InlineData(3, 5, 7)]
        [InlineData(2, 6, 16)]
        [InlineData(64, 10, 1)]
        public void SoftmaxForwardBackward(int batch, int c, int s)
        {
            using var pool = TestUtil.PrivatePool();
            float[] x = TestUtil.Random(batch * c * s, 1, -5, 5);
            x[0] = 100f; // stability: no overflow with a large logit
            var y = new float[x.Length];
            Softmax.Forward(x, y, batch, c, s);
            var e = new double[x.Length];
            for (int n = 0; n < batch; n++)
            {
                for (int j = 0; j < s; j++)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    for (int k = 0; k < c; k++)
                    {
                        max = Math.Max(max, x[(((n * c) + k) * s) + j]);
                    }

                    for (int k = 0; k < c; k++)
                    {
                        sum += Math.Exp(x[(((n * c) + k) * s) + j] - max);
                    }

                    for (int k = 0; k < c; k++)
                    {
                        e[(((n * c) + k) * s) + j] = Math.Exp(x[(((n * c) + k) * s) + j] - max) / sum;
                    }
                }
            }

            TestUtil.AssertClose(e, y, 1e-5, 1e-7, default, "softmax");
            x[0] = 0.5f;
            float[] r = TestUtil.Random(x.Length, 2);
            Softmax.Forward(x, y, batch, c, s);
            var dx = new float[x.Length];
            Softmax.Backward(y, r, dx, batch, c, s);
            double Loss()
            {
                Softmax.Forward(x, y, batch, c, s);
                return TestUtil.Dot(y, r);
            }

            TestUtil.CheckGradient(x, dx, Loss, "softmax", h: 1e-2f);
        }

        [Fact]
        public void CrossEntropyLossAndGradient()
        {
            int batch = 5, classes = 7;
            float[] logits = TestUtil.Random(batch * classes, 1, -4, 4);
            int[] labels = { 0, 6, 3, 3, 1 };
            var grad = new float[logits.Length];
            float loss = Softmax.CrossEntropy(logits, labels, batch, classes, grad);
            double expected = 0;
            for (int n = 0; n < batch; n++)
            {
                double sum = 0;
                for (int k = 0; k < classes; k++)
                {
                    sum += Math.Exp(logits[(n * classes) + k]);
                }

                expected += Math.Log(sum) - logits[(n * classes) + labels[n]];
            }

            Assert.Equal(expected / batch, loss, 5);
            TestUtil.CheckGradient(logits, grad, () => Softmax.CrossEntropy(logits, labels, batch, classes), "cross-entropy", h: 1e-2f, abs: 1e-4);
            Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.CrossEntropy(logits, new[] { 0, 7, 0, 0, 0 }, batch, classes));

            // Huge logits stay finite.
            float big = Softmax.CrossEntropy(new float[] { 1000f, 0f }, new[] { 1 }, 1, 2);
            Assert.Equal(1000f, big, 2);
        }
    }
}
