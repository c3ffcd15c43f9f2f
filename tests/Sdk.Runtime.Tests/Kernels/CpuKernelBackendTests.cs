using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;

namespace Sdk.Runtime.Tests.Kernels
{
    /// <summary>Both backends, created once for the class.</summary>
    public sealed class BackendPair : IDisposable
    {
        public IKernelBackend Cpu { get; } = new CpuKernelBackend();

        public IKernelBackend Ilgpu { get; } = IlgpuKernelBackend.Cpu();

        public void Dispose()
        {
            Cpu.Dispose();
            Ilgpu.Dispose();
        }
    }

    /// <summary>
    /// <see cref="CpuKernelBackend"/> against <see cref="IlgpuKernelBackend"/> (the <c>DeviceOps</c> math) on
    /// shapes the ONNX node tests do not reach: random pooling and convolution geometries, broadcasts, batched
    /// MatMul, every Gemm bias shape, empty sums.
    /// </summary>
    public sealed class CpuKernelBackendTests(BackendPair backends) : IClassFixture<BackendPair>
    {
        private readonly IKernelBackend _cpu = backends.Cpu;
        private readonly IKernelBackend _ilgpu = backends.Ilgpu;

        [Fact]
        public void Pooling_agrees_on_random_geometries()
        {
            var random = new Random(7);
            int checkedShapes = 0;
            for (int trial = 0; trial < 400 && checkedShapes < 60; trial++)
            {
                int kh = random.Next(1, 4), kw = random.Next(1, 4), sh = random.Next(1, 4), sw = random.Next(1, 4);
                int dh = random.Next(1, 3), dw = random.Next(1, 3), h = random.Next(1, 10), w = random.Next(1, 10);
                int eh = ((kh - 1) * dh) + 1, ew = ((kw - 1) * dw) + 1;
                int pt = random.Next(eh), pb = random.Next(eh), pl = random.Next(ew), pr = random.Next(ew);
                bool ceil = random.Next(2) == 1, includePad = random.Next(2) == 1;
                int ho = Pool2DDescriptor.OutputSize(h, kh, sh, pt, pb, dh, ceil), wo = Pool2DDescriptor.OutputSize(w, kw, sw, pl, pr, dw, ceil);
                if (ho <= 0 || wo <= 0)
                {
                    continue;
                }

                int c = random.Next(1, 3), batch = random.Next(1, 3);
                float[] x = Random(batch * c * h * w, trial);
                foreach (int kind in new[] { PoolShape.Max, PoolShape.Average })
                {
                    var s = new PoolShape(kind, c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, ho, wo, includePad ? 1 : 0);
                    float[] actual;
                    try
                    {
                        actual = _cpu.Pool(x, batch, s);
                    }
                    catch (NotSupportedException e)
                    {
                        // Only a dilated window that falls between the input elements is declined.
                        Assert.True(dh > 1 || dw > 1, e.Message);
                        Assert.StartsWith("Pool: window = ", e.Message, StringComparison.Ordinal);
                        continue;
                    }

                    AssertClose(_ilgpu.Pool(x, batch, s), actual, $"{s}");
                    checkedShapes++;
                }
            }

            Assert.True(checkedShapes >= 60, $"only {checkedShapes} shapes checked");
        }

        [Theory]
        [InlineData(2, 28, 28)]
        [InlineData(2, 8, 13)]
        [InlineData(3, 27, 27)]
        [InlineData(3, 9, 50)]
        public void Pooling_fast_path_agrees(int k, int h, int w)
        {
            float[] x = Random(2 * 3 * h * w, k * h);
            foreach (int kind in new[] { PoolShape.Max, PoolShape.Average })
            {
                var s = new PoolShape(kind, 3, h, w, k, k, k, k, 0, 0, 0, 0, 1, 1, h / k, w / k, 0);
                AssertClose(_ilgpu.Pool(x, 2, s), _cpu.Pool(x, 2, s), $"{s}");
            }
        }

        [Fact]
        public void Pooling_rejects_an_output_size_of_neither_rounding()
        {
            var s = new PoolShape(PoolShape.Max, 1, 5, 5, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 4, 2, 0);
            Assert.Throws<ArgumentException>(() => _cpu.Pool(new float[25], 1, s));
        }

        [Fact]
        public void Convolution_agrees_on_random_geometries()
        {
            var random = new Random(11);
            for (int trial = 0; trial < 25; trial++)
            {
                int groups = random.Next(1, 3), cin = groups * random.Next(1, 3), cout = groups * random.Next(1, 3);
                int kh = random.Next(1, 4), kw = random.Next(1, 4), sh = random.Next(1, 3), sw = random.Next(1, 3);
                int dh = random.Next(1, 3), dw = random.Next(1, 3), h = random.Next(3, 9), w = random.Next(3, 9);
                int pt = random.Next(3), pl = random.Next(3), pb = random.Next(3), pr = random.Next(3);
                int spanH = h + pt + pb - (((kh - 1) * dh) + 1), spanW = w + pl + pr - (((kw - 1) * dw) + 1);
                if (spanH < 0 || spanW < 0)
                {
                    continue;
                }

                int ho = (spanH / sh) + 1, wo = (spanW / sw) + 1;

                bool bias = random.Next(2) == 1;
                int batch = random.Next(1, 4), act = random.Next(0, 5);
                var s = new ConvShape(cin, h, w, cout, kh, kw, sh, sw, pt, pl, dh, dw, groups, ho, wo, bias ? 1 : 0, act);
                float[] x = Random(batch * cin * h * w, trial), wt = Random(cout * (cin / groups) * kh * kw, trial + 100);
                float[]? b = bias ? Random(cout, trial + 200) : null;
                AssertClose(_ilgpu.Conv2D(x, batch, wt, b, s), _cpu.Conv2D(x, batch, wt, b, s), $"{s}");
            }
        }

        public static TheoryData<int[], int[]> BroadcastPairs() => new()
        {
            { [2, 3, 4], [2, 3, 4] },
            { [2, 3, 4], [4] },
            { [4], [2, 3, 4] },
            { [2, 3, 4], [3, 1] },
            { [2, 1, 4], [1, 3, 1] },
            { [2, 3, 5, 7], [1, 3, 1, 1] }, // a per-channel bias over NCHW
            { [], [2, 3] },
            { [1], [1, 1] },
            { [2, 1, 3, 1, 2, 1], [1, 2, 1, 3, 1, 2] },
            { [5, 1, 1], [5, 4, 3] },
        };

        [Theory]
        [MemberData(nameof(BroadcastPairs))]
        public void Add_agrees_on_broadcasts(int[] aShape, int[] bShape)
        {
            BroadcastShape s = BroadcastShape.Create(aShape, bShape);
            float[] a = Random(aShape.Aggregate(1, (p, d) => p * d), 1), b = Random(bShape.Aggregate(1, (p, d) => p * d), 2);
            foreach (Activation act in new[] { Activation.None, Activation.Relu })
            {
                AssertClose(_ilgpu.Add(a, b, s, act), _cpu.Add(a, b, s, act), $"[{string.Join(",", aShape)}] + [{string.Join(",", bShape)}]");
            }
        }

        public static TheoryData<int[], int[]> MatMulPairs() => new()
        {
            { [3, 4], [4, 5] },
            { [2, 3, 4], [4, 5] },        // one B: a single GEMM over the batches' rows
            { [3, 4], [2, 4, 5] },        // A repeated
            { [2, 1, 3, 4], [3, 4, 5] },  // both broadcast
            { [2, 3, 4], [2, 4, 5] },
            { [2, 3, 0], [2, 0, 5] },     // empty sums
        };

        [Theory]
        [MemberData(nameof(MatMulPairs))]
        public void MatMul_agrees_on_batches(int[] aShape, int[] bShape)
        {
            MatMulShape s = MatMulShape.Create(aShape, bShape);
            float[] a = Random(aShape.Aggregate(1, (p, d) => p * d), 3), b = Random(bShape.Aggregate(1, (p, d) => p * d), 4);
            float[] expected = s.K == 0 ? new float[s.Outputs] : _ilgpu.MatMul(a, b, s);
            AssertClose(expected, _cpu.MatMul(a, b, s), $"[{string.Join(",", aShape)}] x [{string.Join(",", bShape)}]");
        }

        [Fact]
        public void Gemm_agrees_on_every_transpose_and_bias_shape()
        {
            int m = 5, n = 7, k = 6;
            int[]?[] biasShapes = [null, [], [1], [n], [1, n], [m, 1], [m, n], [1, 1]];
            int seed = 0;
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                {
                    foreach (int[]? cShape in biasShapes)
                    {
                        GemmShape s = GemmShape.Create(m, n, k, transA, transB, 0.5f, cShape is null ? 1f : -2f, cShape);
                        float[] a = Random(m * k, ++seed), b = Random(k * n, ++seed);
                        float[]? c = cShape is null ? null : Random(cShape.Aggregate(1, (p, d) => p * d), ++seed);
                        AssertClose(_ilgpu.Gemm(a, b, c, s), _cpu.Gemm(a, b, c, s), $"{s}");
                    }
                }
            }

            // K = 0: beta·C alone.
            GemmShape empty = GemmShape.Create(2, 3, 0, false, false, 1f, 3f, [3]);
            Assert.Equal([3f, 6f, 9f, 3f, 6f, 9f], _cpu.Gemm([], [], [1f, 2f, 3f], empty));
        }

        [Fact]
        public void Dense_softmax_batch_norm_activations_and_concat_agree()
        {
            float[] x = Random(3 * 10, 5), w = Random(4 * 10, 6), bias = Random(4, 7);
            var dense = new DenseShape(10, 4, 1, (int)Activation.Tanh);
            AssertClose(_ilgpu.Dense(x, 3, w, bias, dense), _cpu.Dense(x, 3, w, bias, dense), "dense");
            Assert.Equal([1f, 0f, 1f, 0f], _cpu.Dense([], 2, [], [1f, -2f], new DenseShape(0, 2, 1, (int)Activation.Relu)));

            foreach (SoftmaxShape s in new[] { new SoftmaxShape(3, 10, 1), new SoftmaxShape(2, 3, 5), new SoftmaxShape(1, 30, 1), new SoftmaxShape(30, 1, 1) })
            {
                AssertClose(_ilgpu.Softmax(x, s), _cpu.Softmax(x, s), $"{s}");
            }

            float[] image = Random(2 * 3 * 5, 8), scale = Random(3, 9), shift = Random(3, 10), mean = Random(3, 11), variance = Random(3, 12, 0.5f, 2f);
            var affine = new ChannelAffineShape(3, 5, (int)Activation.Relu6);
            AssertClose(
                _ilgpu.BatchNormInference(image, 2, scale, shift, mean, variance, 1e-3f, affine),
                _cpu.BatchNormInference(image, 2, scale, shift, mean, variance, 1e-3f, affine),
                "batch norm");

            foreach (Activation act in Enum.GetValues<Activation>())
            {
                float[] wide = Random(300, 13, -6f, 6f);
                AssertClose(_ilgpu.Activation(wide, act), _cpu.Activation(wide, act), $"{act}", rtol: 1e-5, atol: 1e-6);
            }

            float[][] parts = [Random(2 * 1 * 4, 14), Random(2 * 3 * 4, 15), []];
            AssertClose(_ilgpu.Concat(parts, 2, [1, 3, 0], 4), _cpu.Concat(parts, 2, [1, 3, 0], 4), "concat");
        }

        private static float[] Random(int count, int seed, float lo = -1f, float hi = 1f)
        {
            var random = new Random(seed);
            return [.. Enumerable.Range(0, count).Select(_ => lo + ((hi - lo) * (float)random.NextDouble()))];
        }

        private static void AssertClose(float[] expected, float[] actual, string what, double rtol = 1e-5, double atol = 1e-6)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} elements, expected {expected.Length}");
            for (int i = 0; i < expected.Length; i++)
            {
                bool close = (float.IsNaN(expected[i]) && float.IsNaN(actual[i])) || Math.Abs(actual[i] - expected[i]) <= atol + (rtol * Math.Abs(expected[i]));
                Assert.True(close, $"{what}: element {i}: {actual[i]:R}, expected {expected[i]:R}");
            }
        }
    }
}
