using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Benchmarks.Kernels;

/// <summary>
/// <c>--winograd [blocks] [warm-up seconds]</c>: ResNet-18's 3x3 stride-1 layers (and the Fashion CNN's 32 → 64) with Relu, each run by a
/// plan that may use Winograd F(2x2, 3x3) and by one that may not (<c>ConvPlan(..., winograd: false)</c>: the direct
/// kernel), in alternating blocks in one process on the default worker pool, at batch 1 and 32, on every vector kernel
/// the machine has. Prints median milliseconds per call and the ratio (docs/cpu-kernels.md).
/// </summary>
internal static class WinogradLayers
{
    private static readonly (int Channels, int Size, int Out)[] Layers =
    {
        (64, 32, 64), (128, 16, 128), (256, 8, 256), (512, 4, 512), (32, 14, 64),
    };

    public static void Run(int blocks, double warmUpSeconds)
    {
        var kernels = new List<GemmKernel>();
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            kernels.Add(GemmKernel.Vector512x8x32);
        }

        if (Avx2.IsSupported && Fma.IsSupported)
        {
            kernels.Add(GemmKernel.Vector256x6x16);
        }

        Console.WriteLine($"{Environment.ProcessorCount} threads; medians of {blocks} alternating blocks per side");
        Console.WriteLine();
        Console.WriteLine("| kernel | layer | batch | direct ms | Winograd plan ms | direct / Winograd plan | Winograd runs |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var kernel in kernels)
        {
            foreach (var batch in new[] { 1, 32 })
            {
                foreach (var (c, size, m) in Layers)
                {
                    Measure(kernel, Conv2DDescriptor.Square(c, size, size, m, 3, padding: 1, activation: Activation.Relu), batch, blocks, warmUpSeconds);
                }
            }
        }
    }

    private static void Measure(GemmKernel kernel, Conv2DDescriptor d, int batch, int blocks, double warmUpSeconds)
    {
        var random = new Random(1);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var x = Random(batch * d.InputSampleLength);
        var w = Random(d.WeightLength);
        var b = Random(d.OutChannels);
        var y = new float[batch * d.OutputSampleLength];
        var direct = new ConvPlan(d, kernel, winograd: false);
        var winograd = new ConvPlan(d, kernel);
        direct.PackWeights(w);
        winograd.PackWeights(w);

        // Warm up past the JIT's tiering (200 calls or the warm-up time each: less and the tier-0 code skews the first
        // blocks), then blocks of calls long enough to time (about 2 ms), each after one untimed call.
        foreach (var plan in new[] { direct, winograd })
        {
            var warm = Stopwatch.StartNew();
            for (var i = 0; i < 200 && warm.Elapsed.TotalSeconds < warmUpSeconds; i++)
            {
                plan.ForwardPrepacked(x, b, y, batch);
            }
        }

        // Blocks of calls long enough to time (about 2 ms), each after one untimed call.
        var calls = Math.Max(1, (int)(2e6 / Math.Max(1, 2.0 * d.MacsPerSample * batch / 200.0)));
        var times = new[] { new List<double>(), new List<double>() };
        var plans = new[] { direct, winograd };
        for (var block = 0; block < blocks; block++)
        {
            for (var side = 0; side < 2; side++)
            {
                var plan = plans[(block + side) % 2];
                plan.ForwardPrepacked(x, b, y, batch);
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < calls; i++)
                {
                    plan.ForwardPrepacked(x, b, y, batch);
                }

                times[(block + side) % 2].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls);
            }
        }

        double Median(List<double> t) => t.OrderBy(v => v).ElementAt(t.Count / 2);
        var (td, tw) = (Median(times[0]), Median(times[1]));
        var runs = winograd.WinogradFromBatch > 0 && batch >= winograd.WinogradFromBatch;
        Console.WriteLine($"| {kernel} | {d.InChannels} → {d.OutChannels}, {d.InHeight}x{d.InWidth} | {batch} | {td:F3} | {tw:F3} | {td / tw:F2} | {(runs ? "yes" : "no")} |");
    }
}
