using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Benchmarks.Kernels;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Onnx;

namespace Sdk.Benchmarks.Inference;

/// <summary>
/// <c>--alternate [calls] [rounds]</c>: ours and ONNX Runtime called alternately, a short block of calls each in turn, in one process,
/// on both networks at batch 1 and 32, the same setup and agreement check as <see cref="InferenceBenchmarks{TNetwork}"/>.
/// On a machine that other work keeps busy, a stall then falls on both sides alike, which BenchmarkDotNet's blocks of
/// one side's iterations cannot give; the median of each side's calls is robust to the stalls. Each round is a fresh
/// pass over every case, so the spread between rounds shows how steady the ratio is.
/// </summary>
internal static class AlternatingRun
{
    /// <summary>Counted calls per block of one side.</summary>
    private const int BlockCalls = 8;

    /// <summary>Calls at the start of each block that are not counted: the first calls after the other side's ran slower on both sides (cold caches, the other side's threads still spinning).</summary>
    private const int DiscardedCalls = 3;

    /// <summary>
    /// Nor is any call that starts within this time of the block's start: after the pause each side's pool threads sleep,
    /// and waking one took 0.2-3 ms on the development VM (a halted vCPU, or the thread placed on the busy caller's
    /// CPU), so the first calls of a short block ran on one thread. The Fashion CNN at batch 1 (about 50 µs a call) ran
    /// 68-71 µs a call for the first millisecond after a 300 ms pause, then 51 µs; 3 calls did not cover that, and
    /// its blocks measured the wake-up rather than the throughput. Longer calls are past it after 3 calls anyway.
    /// </summary>
    private const double DiscardedMilliseconds = 5;

    /// <summary>
    /// The pause before each block: long enough for the other side's threads to stop spinning and sleep. 20 ms was not:
    /// both sides' figures rose with 300 ms (the Fashion CNN at batch 32 from 15-28 k to 31 k images/s on both sides, Zen 5),
    /// the threads of the side that had just run still taking turns on the two cores.
    /// </summary>
    private const int PauseMilliseconds = 300;

    public static void Run(int calls, int rounds)
    {
        Console.WriteLine($"Alternating calls: {calls} per side per case and round, {rounds} rounds; load average before: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| round | network | batch | ONNX Runtime images/s | ours images/s | ours / ONNX Runtime | ONNX Runtime % peak | ours % peak | load average |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---|");
        var ratios = new Dictionary<string, List<double>>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (int batch in new[] { 1, 32 })
            {
                Case<FashionCnn>("Fashion CNN", batch, calls, round, ratios);
                Case<ResNet18>("ResNet-18 (CIFAR)", batch, batch == 1 ? calls : Math.Max(5, calls / 8), round, ratios);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| network | batch | ours / ONNX Runtime: min | median | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (key, list) in ratios)
        {
            list.Sort();
            Console.WriteLine($"| {key.Replace("/", " | ")} | {list[0]:F2} | {list[list.Count / 2]:F2} | {list[^1]:F2} |");
        }
    }

    private static void Case<TNetwork>(string name, int batch, int calls, int round, Dictionary<string, List<double>> ratios)
        where TNetwork : INetwork, new()
    {
        var network = new TNetwork();
        var plan = TNetwork.Plan;
        var random = new Random(1);
        var input = Enumerable.Range(0, batch * (int)Shapes.Elements(plan.InputShape)).Select(_ => random.NextSingle()).ToArray();
        var output = new float[batch * (int)Shapes.Elements(plan.Layers[^1].OutputShape)];
        var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        using var onnx = new InferenceSession(OnnxExporter.ExportToBytes(plan, network.Parameters), options);
        var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(input, new[] { batch }.Concat(plan.InputShape).ToArray())) };
        using var chips = ChipSet.Cpu(1);
        using var model = Model.Create(network, chips);

        float[] theirs;
        using (var results = onnx.Run(feed))
        {
            theirs = results.First().AsTensor<float>().ToArray();
        }

        model.Run(input, batch, output);
        double error = output.Zip(theirs, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
        if (error > 1e-4)
        {
            throw new InvalidOperationException($"{name}, batch {batch}: ours and ONNX Runtime disagree by {error:E2} (relative, 1e-4 allowed)");
        }

        // Warm up for at least 3 calls and 3 seconds: the runtime recompiles hot methods with full optimisation only
        // after ~30 calls and a background delay, which a loaded machine stretches.
        var warmupClock = Stopwatch.StartNew();
        int warmup = 0;
        while (warmup < 3 || warmupClock.Elapsed.TotalSeconds < 3)
        {
            model.Run(input, batch, output);
            using var results = onnx.Run(feed);
            warmup++;
        }

        // Blocks of calls in turn, each after a short pause, the first calls of each block not counted: ONNX Runtime's
        // pool threads spin for a while after a call returns (so do ours, briefly), a call that starts right after the
        // other side's would share its cores with those threads, and the first calls after a switch ran slower on
        // both sides.
        var ours = new List<double>(calls);
        var onnxTimes = new List<double>(calls);
        while (ours.Count < calls)
        {
            System.Threading.Thread.Sleep(PauseMilliseconds);
            Block(ours, () => model.Run(input, batch, output));
            System.Threading.Thread.Sleep(PauseMilliseconds);
            Block(onnxTimes, () =>
            {
                using var results = onnx.Run(feed);
                _ = results.First().AsTensor<float>()[0, 0];
            });
        }

        ours.Sort();
        onnxTimes.Sort();
        double oursRate = batch / ours[ours.Count / 2], theirRate = batch / onnxTimes[onnxTimes.Count / 2];
        double flopsPerImage = 2.0 * plan.Layers.Sum(l => l.Macs);
        double PercentPeak(double rate) => 100 * rate * flopsPerImage / 1e9 / MachinePeak.Gflops;
        Console.WriteLine($"| {round} | {name} | {batch} | {theirRate:F1} | {oursRate:F1} | {oursRate / theirRate:F2} | {PercentPeak(theirRate):F0} % | {PercentPeak(oursRate):F0} % | {LoadAverage()} |");
        string key = $"{name}/{batch}";
        if (!ratios.TryGetValue(key, out var list))
        {
            ratios[key] = list = new List<double>();
        }

        list.Add(oursRate / theirRate);
    }

    /// <summary>
    /// One side's block: calls not counted until <see cref="DiscardedCalls"/> have run and <see cref="DiscardedMilliseconds"/>
    /// have passed, then <see cref="BlockCalls"/> counted ones (seconds each, into <paramref name="times"/>).
    /// </summary>
    private static void Block(List<double> times, Action call)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < DiscardedCalls || clock.Elapsed.TotalMilliseconds < DiscardedMilliseconds; i++)
        {
            call();
        }

        for (int i = 0; i < BlockCalls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (System.IO.IOException)
        {
            return "?";
        }
    }
}
