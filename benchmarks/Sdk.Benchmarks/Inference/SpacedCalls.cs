using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Onnx;

namespace Sdk.Benchmarks.Inference;

/// <summary>
/// <c>--spaced [calls]</c>: the latency of single calls that come a gap apart (an application serving requests one by
/// one), ours against ONNX Runtime, on both networks at batch 1: gaps of 0 to 10 ms, the caller idle in between (it
/// sleeps, or yields for gaps under 2 ms). Between calls the pool threads of both sides wait for work, and how long they
/// stay awake decides whether the next call starts on all cores. Ours runs once per <see cref="CpuWorkerPool.IdleSpin"/>
/// given on the command line (milliseconds; default the pool's default), so the figures show what the setting buys.
/// </summary>
internal static class SpacedCalls
{
    private static readonly double[] GapsMilliseconds = [0, 0.1, 1, 3, 10];

    public static void Run(int calls, double[] idleSpinsMilliseconds)
    {
        Console.WriteLine($"Spaced calls at batch 1: median and 90th percentile µs of {calls} calls per gap and side");
        Console.WriteLine();
        Console.WriteLine("| network | side | gap ms | median µs | p90 µs |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        Case<FashionCnn>("Fashion CNN", calls, idleSpinsMilliseconds);
        Case<ResNet18>("ResNet-18 (CIFAR)", Math.Max(20, calls / 4), idleSpinsMilliseconds);
    }

    private static void Case<TNetwork>(string name, int calls, double[] idleSpinsMilliseconds)
        where TNetwork : INetwork, new()
    {
        var network = new TNetwork();
        var plan = TNetwork.Plan;
        var random = new Random(1);
        var input = Enumerable.Range(0, (int)Shapes.Elements(plan.InputShape)).Select(_ => random.NextSingle()).ToArray();
        var output = new float[(int)Shapes.Elements(plan.Layers[^1].OutputShape)];
        var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        using var onnx = new InferenceSession(OnnxExporter.ExportToBytes(plan, network.Parameters), options);
        var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(input, new[] { 1 }.Concat(plan.InputShape).ToArray())) };
        using var chips = ChipSet.Cpu(1);
        using var model = Model.Create(network, chips);
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < 3)
        {
            model.Run(input, 1, output);
            onnx.Run(feed).Dispose();
        }

        var pool = CpuWorkerPool.Current;
        var defaultSpin = pool.IdleSpin;
        foreach (double gap in GapsMilliseconds)
        {
            Measure(name, "ONNX Runtime", gap, calls, () => onnx.Run(feed).Dispose());
            foreach (double spin in idleSpinsMilliseconds.Length > 0 ? idleSpinsMilliseconds : [defaultSpin.TotalMilliseconds])
            {
                pool.IdleSpin = TimeSpan.FromMilliseconds(spin);
                Measure(name, $"ours, idle spin {spin} ms", gap, calls, () => model.Run(input, 1, output));
            }

            pool.IdleSpin = defaultSpin;
        }
    }

    private static void Measure(string name, string side, double gap, int calls, Action call)
    {
        Thread.Sleep(300); // the other side's threads asleep
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            Wait(gap);
            long t0 = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }

        Array.Sort(times);
        Console.WriteLine($"| {name} | {side} | {gap} | {times[calls / 2]:F1} | {times[calls * 9 / 10]:F1} |");
    }

    private static void Wait(double milliseconds)
    {
        if (milliseconds >= 2)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(milliseconds));
            return;
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalMilliseconds < milliseconds)
        {
            Thread.Yield();
        }
    }
}
