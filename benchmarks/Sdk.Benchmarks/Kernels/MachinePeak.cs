using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;

namespace Sdk.Benchmarks.Kernels
{
    /// <summary>
    /// The machine's single-precision peak: cores x FMA units x lanes x 2 flops x clock. Two 256-bit FMA pipes per
    /// core (AMD Zen 2-4, Intel client cores; Zen 4 runs AVX-512 on the same two 256-bit pipes), so 16 fp32 FMAs per
    /// cycle per core. The clock is the highest "cpu MHz" of /proc/cpuinfo (the kernel's measured frequency; under a
    /// hypervisor it is the host's nominal clock, boost invisible). <c>SDK_PEAK_GFLOPS</c> overrides the whole figure.
    /// </summary>
    public static class MachinePeak
    {
        public const int FmaUnitsPerCore = 2;

        public static readonly int Lanes = Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;

        public static readonly double ClockGHz = ReadClockGHz();

        public static readonly double Gflops = ReadOverride() ?? Environment.ProcessorCount * FmaUnitsPerCore * Lanes * 2 * ClockGHz;

        public static string Describe() => ReadOverride() is double o
            ? $"peak {o:F1} GFLOP/s (SDK_PEAK_GFLOPS)"
            : $"peak {Gflops:F1} GFLOP/s = {Environment.ProcessorCount} cores x {FmaUnitsPerCore} FMA units x {Lanes} lanes x 2 x {ClockGHz:F3} GHz (/proc/cpuinfo)";

        private static double? ReadOverride() =>
            double.TryParse(Environment.GetEnvironmentVariable("SDK_PEAK_GFLOPS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double g) ? g : null;

        private static double ReadClockGHz()
        {
            try
            {
                double mhz = File.ReadLines("/proc/cpuinfo")
                    .Where(l => l.StartsWith("cpu MHz", StringComparison.Ordinal))
                    .Select(l => double.Parse(l[(l.IndexOf(':') + 1)..], CultureInfo.InvariantCulture))
                    .DefaultIfEmpty(double.NaN)
                    .Max();
                return mhz / 1000;
            }
            catch (IOException)
            {
                return double.NaN;
            }
        }
    }
}
