using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Benchmarks.Kernels
{
    /// <summary>Square single-precision GEMM, C = A·B, on 1 thread and on all threads of the machine.</summary>
    [Config(typeof(KernelBenchmarkConfig))]
    public class GemmBenchmarks
    {
        private float[] _a = Array.Empty<float>();
        private float[] _b = Array.Empty<float>();
        private float[] _c = Array.Empty<float>();
        private CpuWorkerPool? _pool;

        [Params(256, 512, 1024)]
        public int Size { get; set; }

        /// <summary>0 = all logical processors.</summary>
        [Params(1, 0)]
        public int Threads { get; set; }

        public static double Flops(BenchmarkCase c) => 2.0 * Math.Pow((int)c.Parameters["Size"], 3);

        [GlobalSetup]
        public void Setup()
        {
            _a = KernelData.Random(Size * Size, 1);
            _b = KernelData.Random(Size * Size, 2);
            _c = new float[Size * Size];
            _pool = new CpuWorkerPool(Threads == 0 ? Environment.ProcessorCount : Threads);
        }

        [GlobalCleanup]
        public void Cleanup() => _pool?.Dispose();

        [Benchmark]
        public void Sgemm()
        {
            CpuWorkerPool.MakeCurrent(_pool);
            Gemm.Multiply(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);
        }
    }

    /// <summary>
    /// GEMMs with the shapes a ResNet-18 (CIFAR) convolution produces for one sample: forward W·col (NN),
    /// weight gradient dY·colᵀ (NT) and column gradient Wᵀ·dY (TN), all threads.
    /// </summary>
    [Config(typeof(KernelBenchmarkConfig))]
    public class ConvShapedGemmBenchmarks
    {
        private float[] _a = Array.Empty<float>();
        private float[] _b = Array.Empty<float>();
        private float[] _c = Array.Empty<float>();

        /// <summary>"m x n x k op": layer1 (64ch 32x32), layer2 (128ch 16x16), layer3 (256ch 8x8, 4 samples side by side).</summary>
        [Params("64x1024x576 NN", "128x256x1152 NN", "256x256x2304 NN", "64x576x1024 NT", "576x1024x64 TN")]
        public string Shape { get; set; } = "64x1024x576 NN";

        public static double Flops(BenchmarkCase c)
        {
            var (m, n, k, _, _) = Parse((string)c.Parameters["Shape"]);
            return 2.0 * m * n * k;
        }

        [GlobalSetup]
        public void Setup()
        {
            var (m, n, k, _, _) = Parse(Shape);
            _a = KernelData.Random(m * k, 1);
            _b = KernelData.Random(k * n, 2);
            _c = new float[m * n];
        }

        [Benchmark]
        public void Sgemm()
        {
            var (m, n, k, ta, tb) = Parse(Shape);
            Gemm.Multiply(ta, tb, m, n, k, 1f, _a, ta ? m : k, _b, tb ? k : n, 0f, _c, n);
        }

        private static (int M, int N, int K, bool TransA, bool TransB) Parse(string shape)
        {
            string[] parts = shape.Split(' ');
            string[] dims = parts[0].Split('x');
            return (int.Parse(dims[0], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(dims[1], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(dims[2], System.Globalization.CultureInfo.InvariantCulture),
                parts[1][0] == 'T', parts[1][1] == 'T');
        }
    }

    internal static class KernelData
    {
        public static float[] Random(int length, int seed)
        {
            var rnd = new Random(seed);
            var a = new float[length];
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = (float)rnd.NextDouble() - 0.5f;
            }

            return a;
        }
    }
}
