using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace Sdk.Benchmarks.Kernels
{
    /// <summary>
    /// The machine's single-precision peak: cores x fp32 FMA lanes per second per core x 2 flops, measured, not read:
    /// every core runs a loop of independent FMAs on the widest vectors the runtime accelerates (enough chains to cover
    /// the latency, so only the pipes limit it). That covers both AVX-512 designs: Zen 4 runs a zmm FMA on its two
    /// 256-bit pipes (16 lanes per cycle, as AVX2), Zen 5 has two 512-bit pipes (32 lanes per cycle, twice AVX2). The
    /// clock shown assumes two FMA pipes of that width. Under a hypervisor /proc/cpuinfo gives the nominal clock and
    /// hides boost, hence the loop. <c>SDK_PEAK_GFLOPS</c> overrides the figure: set it to the AVX-512 figure when the
    /// AVX2 path is measured with <c>DOTNET_EnableAVX512=0</c> (the peers still use AVX-512 then).
    /// </summary>
    public static class MachinePeak
    {
        public const int FmaUnitsPerCore = 2;

        public static readonly int Lanes = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;

        public static readonly double NominalClockGHz = ReadNominalClockGHz();

        public static readonly double ClockGHz = MeasureClockGHz();

        public static readonly double Gflops = ReadOverride() ?? Environment.ProcessorCount * FmaUnitsPerCore * Lanes * 2 * ClockGHz;

        public static string Describe() => ReadOverride() is double o
            ? $"peak {o:F1} GFLOP/s (SDK_PEAK_GFLOPS)"
            : $"peak {Gflops:F1} GFLOP/s = {Environment.ProcessorCount} cores x {FmaUnitsPerCore} FMA units x {Lanes} lanes x 2 x {ClockGHz:F2} GHz " +
              $"(all-core clock measured with an FMA loop; /proc/cpuinfo says {NominalClockGHz:F2} GHz)";

        private static double? ReadOverride() =>
            double.TryParse(Environment.GetEnvironmentVariable("SDK_PEAK_GFLOPS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double g) ? g : null;

        private static double ReadNominalClockGHz()
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo")
                    .Where(l => l.StartsWith("cpu MHz", StringComparison.Ordinal))
                    .Select(l => double.Parse(l[(l.IndexOf(':') + 1)..], CultureInfo.InvariantCulture))
                    .DefaultIfEmpty(double.NaN)
                    .Max() / 1000;
            }
            catch (IOException)
            {
                return double.NaN;
            }
        }

        /// <summary>
        /// Best of fifteen ~0.1 s rounds, one FMA loop per core at once (the all-core clock is what a parallel kernel
        /// gets), spread over ~3 s. Cycles are divided by the process's CPU time, not the wall time: where the loops
        /// share cores (another process, or BenchmarkDotNet's host pinning itself) wall time would halve the clock.
        /// </summary>
        private static double MeasureClockGHz()
        {
            const long Iterations = 10_000_000;
            Func<long, float> Loop = Vector512.IsHardwareAccelerated ? FmaLoop512 : FmaLoop;
            Loop(1000); // compile it first
            double best = 0;
            using var process = Process.GetCurrentProcess();
            for (int round = 0; round < 15; round++)
            {
                Thread.Sleep(100);
                var threads = new Thread[Environment.ProcessorCount];
                using var start = new Barrier(threads.Length + 1);
                for (int t = 0; t < threads.Length; t++)
                {
                    threads[t] = new Thread(() =>
                    {
                        start.SignalAndWait();
                        Loop(Iterations);
                    });
                    threads[t].Start();
                }

                process.Refresh();
                TimeSpan cpu0 = process.TotalProcessorTime;
                start.SignalAndWait();
                foreach (var thread in threads)
                {
                    thread.Join();
                }

                process.Refresh();
                double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;

                // 10 FMAs of Lanes lanes per iteration; the pipes retire FmaUnitsPerCore x Lanes lanes per cycle.
                double cycles = threads.Length * Iterations * 10.0 / FmaUnitsPerCore;
                best = Math.Max(best, cycles / cpuSeconds / 1e9);
            }

            return best;
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float FmaLoop(long iterations)
        {
            // Ten independent chains: FMA latency (4-5 cycles) x 2 pipes needs at least 8 in flight.
            Vector256<float> m = Vector256.Create(0.999f), k = Vector256.Create(1e-3f);
            Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, m, k);
                a1 = Vector256.FusedMultiplyAdd(a1, m, k);
                a2 = Vector256.FusedMultiplyAdd(a2, m, k);
                a3 = Vector256.FusedMultiplyAdd(a3, m, k);
                a4 = Vector256.FusedMultiplyAdd(a4, m, k);
                a5 = Vector256.FusedMultiplyAdd(a5, m, k);
                a6 = Vector256.FusedMultiplyAdd(a6, m, k);
                a7 = Vector256.FusedMultiplyAdd(a7, m, k);
                a8 = Vector256.FusedMultiplyAdd(a8, m, k);
                a9 = Vector256.FusedMultiplyAdd(a9, m, k);
            }

            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
        }

        /// <summary>The same loop on 512-bit vectors.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float FmaLoop512(long iterations)
        {
            Vector512<float> m = Vector512.Create(0.999f), k = Vector512.Create(1e-3f);
            Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, m, k);
                a1 = Vector512.FusedMultiplyAdd(a1, m, k);
                a2 = Vector512.FusedMultiplyAdd(a2, m, k);
                a3 = Vector512.FusedMultiplyAdd(a3, m, k);
                a4 = Vector512.FusedMultiplyAdd(a4, m, k);
                a5 = Vector512.FusedMultiplyAdd(a5, m, k);
                a6 = Vector512.FusedMultiplyAdd(a6, m, k);
                a7 = Vector512.FusedMultiplyAdd(a7, m, k);
                a8 = Vector512.FusedMultiplyAdd(a8, m, k);
                a9 = Vector512.FusedMultiplyAdd(a9, m, k);
            }

            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
        }
    }
}
