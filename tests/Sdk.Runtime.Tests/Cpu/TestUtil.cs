using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    internal static class TestUtil
    {
        /// <summary>
        /// Runs kernels of this thread on a private 3-thread pool until disposed, so parallel code paths really run in
        /// parallel even while other tests hold the shared pool (a busy pool makes kernels run inline).
        /// </summary>
        public static IDisposable PrivatePool(int threads = 3) => new PoolScope(threads);

        private sealed class PoolScope : IDisposable
        {
            private readonly CpuWorkerPool _pool;

            public PoolScope(int threads)
            {
                _pool = new CpuWorkerPool(threads);
                CpuWorkerPool.MakeCurrent(_pool);
            }

            public void Dispose()
            {
                CpuWorkerPool.MakeCurrent(null);
                _pool.Dispose();
            }
        }

        public static float[] Random(int length, int seed, float lo = -1f, float hi = 1f)
        {
            var rnd = new Random(seed);
            var a = new float[length];
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = lo + ((hi - lo) * (float)rnd.NextDouble());
            }

            return a;
        }

        /// <summary>Kernels this machine can run (each is exercised explicitly, not just the default).</summary>
        public static IEnumerable<GemmKernel> SupportedKernels()
        {
            if (Vector512.IsHardwareAccelerated)
            {
                yield return GemmKernel.Vector512x8x32;
            }

            if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported)
            {
                yield return GemmKernel.Vector256x6x16;
            }

            yield return GemmKernel.Vector128x8x8;
        }

        /// <summary>|actual - expected| ≤ rel·scale + abs for every element, scale per element (defaults to |expected|).</summary>
        public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rel = 1e-4, double abs = 1e-5, ReadOnlySpan<double> scale = default, string what = "")
        {
            Assert.True(actual.Length >= expected.Length, $"{what}: length {actual.Length} < {expected.Length}");
            for (int i = 0; i < expected.Length; i++)
            {
                double s = scale.IsEmpty ? Math.Abs(expected[i]) : scale[i];
                double err = Math.Abs(actual[i] - expected[i]);
                if (!(err <= (rel * s) + abs))
                {
                    Assert.Fail($"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {err:E2}, allowed {(rel * s) + abs:E2})");
                }
            }
        }

        public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rel = 1e-4, double abs = 1e-5, string what = "")
        {
            var e = new double[expected.Length];
            for (int i = 0; i < e.Length; i++)
            {
                e[i] = expected[i];
            }

            AssertClose(e, actual, rel, abs, default, what);
        }

        public static double Act(Activation act, double x) => act switch
        {
            Activation.None => x,
            Activation.Relu => Math.Max(0, x),
            Activation.Relu6 => Math.Min(6, Math.Max(0, x)),
            Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
            Activation.Tanh => Math.Tanh(x),
            Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
            _ => throw new ArgumentOutOfRangeException(nameof(act)),
        };

        /// <summary>erf to ~1e-15 (series for small |x|, continued fraction for large) — independent of the kernel's approximation.</summary>
        public static double Erf(double x)
        {
            double ax = Math.Abs(x);
            double r;
            if (ax < 3)
            {
                double term = ax, sum = ax;
                for (int n = 1; n < 200; n++)
                {
                    term *= -ax * ax / n;
                    double add = term / ((2 * n) + 1);
                    sum += add;
                    if (Math.Abs(add) < 1e-17)
                    {
                        break;
                    }
                }

                r = 2 / Math.Sqrt(Math.PI) * sum;
            }
            else
            {
                // erfc by continued fraction (Lentz), accurate for x ≥ 3.
                double f = ax, c = ax, d = 0, tiny = 1e-300;
                for (int n = 1; n < 300; n++)
                {
                    double an = n / 2.0;
                    d = ax + (an * d);
                    d = Math.Abs(d) < tiny ? tiny : d;
                    c = ax + (an / c);
                    c = Math.Abs(c) < tiny ? tiny : c;
                    d = 1 / d;
                    double delta = c * d;
                    f *= delta;
                    if (Math.Abs(delta - 1) < 1e-16)
                    {
                        break;
                    }
                }

                r = 1 - (Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f);
            }

            return x < 0 ? -r : r;
        }

        /// <summary>
        /// Central finite-difference check: for coordinates of <paramref name="param"/> (all of them, or a sample of
        /// <paramref name="samples"/>), compares (L(θ+h) − L(θ−h)) / 2h with <paramref name="analytic"/>. The loss is
        /// computed in double from the float forward output.
        /// </summary>
        public static void CheckGradient(float[] param, float[] analytic, Func<double> loss, string what, int samples = 40, float h = 1e-2f, double rel = 2e-2, double abs = 2e-3, int seed = 7)
        {
            var rnd = new Random(seed);
            int count = Math.Min(samples, param.Length);
            var indices = new List<int>();
            if (param.Length <= samples)
            {
                for (int i = 0; i < param.Length; i++)
                {
                    indices.Add(i);
                }
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    indices.Add(rnd.Next(param.Length));
                }
            }

            foreach (int i in indices)
            {
                float keep = param[i];
                param[i] = keep + h;
                double up = loss();
                param[i] = keep - h;
                double down = loss();
                param[i] = keep;
                double fd = (up - down) / (2.0 * h);
                double err = Math.Abs(fd - analytic[i]);
                if (!(err <= (rel * Math.Abs(fd)) + abs))
                {
                    Assert.Fail($"{what}: d/d[{i}] finite difference {fd:R} vs analytic {analytic[i]:R} (error {err:E2})");
                }
            }
        }

        /// <summary>Σ y·r in double: a loss whose gradient with respect to y is r.</summary>
        public static double Dot(ReadOnlySpan<float> y, ReadOnlySpan<float> r)
        {
            double s = 0;
            for (int i = 0; i < r.Length; i++)
            {
                s += (double)y[i] * r[i];
            }

            return s;
        }
    }
}
