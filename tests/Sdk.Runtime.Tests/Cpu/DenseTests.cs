using System;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class DenseTests
    {
        [Theory]
        [InlineData(1, 7, 5, Activation.None)]      // dot-product path
        [InlineData(2, 300, 33, Activation.Relu)]   // dot-product path, one task (300 x 33 < 2^16)
        [InlineData(2, 300, 251, Activation.Relu)]  // dot-product path, parallel: one block of outputs per thread, the last ragged
        [InlineData(3, 17, 9, Activation.Gelu)]     // GEMM path, edges
        [InlineData(37, 129, 70, Activation.Tanh)]
        [InlineData(64, 256, 300, Activation.Sigmoid)]
        public void ForwardMatchesNaive(int batch, int inF, int outF, Activation act)
        {
            using var pool = TestUtil.PrivatePool();
            var y = TestUtil.Random(batch * outF, 4);
            Dense.Forward(TestUtil.Random(batch * inF, 1), TestUtil.Random(outF * inF, 2), TestUtil.Random(outF, 3), y, batch, inF, outF, act);
            AssertNaive(batch, inF, outF, act, y, "Dense.Forward");
        }

        /// <summary>
        /// The inference plan, weights packed once in whichever orientation fills the tiles better for the batch: W as
        /// the A operand (32 samples, 128 outputs), Wᵀ as B (8 samples), the dot products (2 samples), with and without
        /// a bias, and batches alternating so both packed copies serve several calls.
        /// </summary>
        [Fact]
        public void PlanWithPackedWeightsMatchesNaive()
        {
            using var pool = TestUtil.PrivatePool();
            foreach (var (inF, outF, act) in new[] { (3136, 128, Activation.Relu), (129, 10, Activation.None), (50, 70, Activation.Gelu) })
            {
                var plan = new DensePlan(inF, outF, act);
                plan.LoadWeights(TestUtil.Random(outF * inF, 2));
                foreach (int batch in new[] { 32, 8, 2, 32, 33, 8, 5 })
                {
                    var y = TestUtil.Random(batch * outF, 4);
                    plan.Forward(TestUtil.Random(batch * inF, 1), TestUtil.Random(outF, 3), y, batch);
                    AssertNaive(batch, inF, outF, act, y, "DensePlan");
                }

                var noBias = new float[3 * outF];
                plan.Forward(TestUtil.Random(3 * inF, 1), default, noBias, 3);
                var withZeroBias = new float[3 * outF];
                plan.Forward(TestUtil.Random(3 * inF, 1), new float[outF], withZeroBias, 3);
                Assert.Equal(withZeroBias, noBias);
            }
        }

        /// <summary>
        /// Deep layers with few outputs split their depth over the threads (two shares whatever the thread count): both
        /// orientations (W as A for 32 and 64 samples, Wᵀ as B for 8), a depth not a multiple of 64 or of the GEMM's depth
        /// block, outputs not a multiple of a tile, on 1 thread (no split), 2 and 3, and the same bits on 2 and 3 threads.
        /// </summary>
        [Fact]
        public void PlanSplitOverTheDepthMatchesNaive()
        {
            foreach (var (inF, outF, act) in new[] { (3136, 128, Activation.Relu), (1100, 37, Activation.Tanh) })
            {
                var plan = new DensePlan(inF, outF, act);
                Assert.True(plan.SplitsDepth);
                plan.LoadWeights(TestUtil.Random(outF * inF, 2));
                foreach (int batch in new[] { 32, 8, 64, 5 })
                {
                    float[] x = TestUtil.Random(batch * inF, 1), b = TestUtil.Random(outF, 3);
                    float[]? first = null;
                    foreach (int threads in new[] { 2, 3, 1 })
                    {
                        using var pool = TestUtil.PrivatePool(threads);
                        var y = TestUtil.Random(batch * outF, 4); // garbage: must be overwritten
                        plan.Forward(x, b, y, batch);
                        AssertNaive(batch, inF, outF, act, y, $"DensePlan on {threads} threads");
                        if (first is null)
                        {
                            first = y;
                        }
                        else if (threads > 1)
                        {
                            Assert.Equal(first, y); // the shares do not depend on the thread count
                        }
                    }
                }
            }

            Assert.False(new DensePlan(1023, 10, Activation.None).SplitsDepth);
            Assert.False(new DensePlan(2048, 513, Activation.None).SplitsDepth);
        }

        /// <summary>y against a double-precision sum of the inputs the tests draw (seeds 1, 2 and 3).</summary>
        private static void AssertNaive(int batch, int inF, int outF, Activation act, float[] y, string what)
        {
            float[] x = TestUtil.Random(batch * inF, 1), w = TestUtil.Random(outF * inF, 2), b = TestUtil.Random(outF, 3);
            var expected = new double[y.Length];
            var scale = new double[y.Length];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < outF; o++)
                {
                    double s = b[o], mag = Math.Abs(b[o]);
                    for (int i = 0; i < inF; i++)
                    {
                        s += (double)x[(n * inF) + i] * w[(o * inF) + i];
                        mag += Math.Abs((double)x[(n * inF) + i] * w[(o * inF) + i]);
                    }

                    expected[(n * outF) + o] = TestUtil.Act(act, s);
                    scale[(n * outF) + o] = mag;
                }
            }

            TestUtil.AssertClose(expected, y, 1e-4, 1e-5, scale, $"{what} {batch}x{inF}->{outF}");
        }

        [Theory]
        [InlineData(1, 6, 4)]
        [InlineData(5, 13, 9)]
        [InlineData(40, 70, 33)]
        public void BackwardMatchesNaiveAndFiniteDifferences(int batch, int inF, int outF)
        {
            using var pool = TestUtil.PrivatePool();
            float[] x = TestUtil.Random(batch * inF, 1), w = TestUtil.Random(outF * inF, 2), b = TestUtil.Random(outF, 3);
            float[] r = TestUtil.Random(batch * outF, 4);
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            Dense.Backward(x, w, r, dx, dw, db, batch, inF, outF);

            var edx = new double[dx.Length];
            var edw = new double[dw.Length];
            var edb = new double[db.Length];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < outF; o++)
                {
                    double g = r[(n * outF) + o];
                    edb[o] += g;
                    for (int i = 0; i < inF; i++)
                    {
                        edx[(n * inF) + i] += g * w[(o * inF) + i];
                        edw[(o * inF) + i] += g * x[(n * inF) + i];
                    }
                }
            }

            TestUtil.AssertClose(edx, dx, 1e-4, 1e-5, default, "dx");
            TestUtil.AssertClose(edw, dw, 1e-4, 1e-5, default, "dw");
            TestUtil.AssertClose(edb, db, 1e-4, 1e-5, default, "db");

            var y = new float[r.Length];
            double Loss()
            {
                Dense.Forward(x, w, b, y, batch, inF, outF);
                return TestUtil.Dot(y, r);
            }

            TestUtil.CheckGradient(x, dx, Loss, "dense dx");
            TestUtil.CheckGradient(w, dw, Loss, "dense dw");
            TestUtil.CheckGradient(b, db, Loss, "dense db");
        }
    }
}
