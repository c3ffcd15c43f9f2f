using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Onnx;

namespace Sdk.Benchmarks.Inference;

/// <summary>
/// <c>--layers [calls]</c>: where the time goes, layer by layer, ours against ONNX Runtime's node profile, for both
/// networks at batch 1 and 32. Ours: <see cref="Model.ProfileLayers"/> (median per layer). ONNX Runtime: its own
/// profiler's kernel time per node (median over the calls), which names each node after the layer whose output it
/// writes; layers ONNX Runtime fused into another node show no time of their own. Times are in microseconds.
/// </summary>
internal static class LayerProfile
{
    public static void Run(int calls)
    {
        foreach (int batch in new[] { 1, 32 })
        {
            Case<FashionCnn>("Fashion CNN", batch, calls);
            Case<ResNet18>("ResNet-18 (CIFAR)", batch, batch == 1 ? calls : Math.Max(5, calls / 4));
        }
    }

    private static double MedianCall(Action call, int calls)
    {
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            call();
            times[i] = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        Array.Sort(times);
        return times[calls / 2];
    }

    private static void Case<TNetwork>(string name, int batch, int calls)
        where TNetwork : INetwork, new()
    {
        var network = new TNetwork();
        var plan = TNetwork.Plan;
        var random = new Random(1);
        var input = Enumerable.Range(0, batch * (int)Shapes.Elements(plan.InputShape)).Select(_ => random.NextSingle()).ToArray();
        using var chips = ChipSet.Cpu(1);
        using var model = Model.Create(network, chips);
        // At least 3 seconds of warm-up, as in AlternatingRun: hot methods reach full optimisation only after ~30
        // calls and a background delay.
        var warmup = System.Diagnostics.Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < 3)
        {
            model.Run(input, batch);
        }

        var ours = model.ProfileLayers(input, batch, calls);
        double oursWhole = MedianCall(() => model.Run(input, batch), calls);

        var prefix = Path.Combine(Path.GetTempPath(), $"ort-profile-{Environment.ProcessId}");
        var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        var theirs = new Dictionary<string, List<double>>();
        double theirWhole;
        var exported = OnnxExporter.ExportToBytes(plan, network.Parameters);
        var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(input, new[] { batch }.Concat(plan.InputShape).ToArray())) };
        using (var onnx = new InferenceSession(exported, options))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < 3)
            {
                using var warm = onnx.Run(feed);
            }

            theirWhole = MedianCall(() => onnx.Run(feed).Dispose(), calls);
        }

        options.EnableProfiling = true;
        options.ProfileOutputPathPrefix = prefix;
        using (var onnx = new InferenceSession(exported, options))
        {
            for (int i = 0; i < calls + 5; i++)
            {
                using var results = onnx.Run(feed);
            }

            var file = onnx.EndProfiling();
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var e in json.RootElement.EnumerateArray())
            {
                if (e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString() is { } n && n.EndsWith("_kernel_time", StringComparison.Ordinal))
                {
                    var node = n[..^"_kernel_time".Length];
                    if (!theirs.TryGetValue(node, out var list))
                    {
                        theirs[node] = list = new List<double>();
                    }

                    list.Add(e.GetProperty("dur").GetDouble());
                }
            }

            File.Delete(file);
        }

        static double Median(List<double> l)
        {
            l.Sort();
            return l[l.Count / 2];
        }

        Console.WriteLine();
        Console.WriteLine($"{name}, batch {batch}: µs per call (median of {calls})");
        Console.WriteLine("| layer | kind | output | MMAC | ours µs | ONNX Runtime µs | ours GFLOP/s |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|");
        double sumOurs = 0, sumTheirs = 0;
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var layer = plan.Layers[i];
            double us = ours[i] * 1e6;
            double? their = theirs.TryGetValue(layer.Name, out var l) ? Median(l) : null;
            sumOurs += us;
            sumTheirs += their ?? 0;
            double macs = layer.Macs * (double)batch;
            Console.WriteLine($"| {layer.Name} | {layer.Kind} | {string.Join("x", layer.OutputShape)} | {macs / 1e6:F2} | {us:F1} | {(their is { } t ? t.ToString("F1") : "")} | {(macs > 0 ? (2 * macs / us / 1e3).ToString("F1") : "")} |");
        }

        var unmatched = theirs.Keys.Where(k => plan.Layers.All(x => x.Name != k)).ToList();
        foreach (var k in unmatched)
        {
            double t = Median(theirs[k]);
            sumTheirs += t;
            Console.WriteLine($"| ({k}) | ONNX Runtime only | | | | {t:F1} | |");
        }

        Console.WriteLine($"| total | | | | {sumOurs:F1} | {sumTheirs:F1} | |");
        Console.WriteLine($"| whole call, unprofiled | | | | {oursWhole * 1e6:F1} | {theirWhole * 1e6:F1} | |");
    }
}
