using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ILGPU.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Benchmarks.Inference;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Backends.Ilgpu;
using Sdk.Runtime.Onnx;

// ResNet-18 (CIFAR) on one CUDA GPU: our generated ILGPU kernels (tiled implicit-GEMM convolutions and dense layer)
// against ONNX Runtime's CUDA execution provider on the same model and weights, batch 1, 32 and 256, timed
// alternately in one process after a check that both give the same logits. Exit code 2: no CUDA GPU.
int[] batches = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : new[] { 1, 32, 256 };
int iterations = args.Length > 1 ? int.Parse(args[1]) : 30;

if (IlgpuChip.DeviceCount(AcceleratorType.Cuda) == 0)
{
    Console.Error.WriteLine("No CUDA GPU visible to ILGPU: this benchmark needs one (GPU figures are not measured without it).");
    return 2;
}

var network = new ResNet18();
var plan = ResNet18.Plan;
var model = OnnxExporter.ExportToBytes(plan, network.Parameters);
SessionOptions options;
try
{
    options = SessionOptions.MakeSessionOptionWithCudaProvider(0);
}
catch (Exception e)
{
    Console.Error.WriteLine($"ONNX Runtime's CUDA provider did not load (CUDA 12 and cuDNN 9 runtime libraries needed): {e.Message}");
    return 2;
}

using var onnx = new InferenceSession(model, options);
using var gpu = IlgpuChip.Gpu(AcceleratorType.Cuda);
using var chips = ChipSet.Of(gpu);
using var ours = Model.Create(network, chips);
Console.WriteLine($"GPU: {gpu.Name}; ONNX Runtime {OrtEnv.Instance().GetVersionString()} CUDA provider; {iterations} timed calls per side and batch, alternating.");
Console.WriteLine();
Console.WriteLine("| batch | ONNX Runtime CUDA images/s | ours (ILGPU CUDA) images/s | ours / ONNX Runtime | max relative difference |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
var random = new Random(1);
foreach (int batch in batches)
{
    var input = Enumerable.Range(0, batch * (int)Shapes.Elements(plan.InputShape)).Select(_ => random.NextSingle()).ToArray();
    var output = new float[batch * (int)Shapes.Elements(plan.Layers[^1].OutputShape)];
    var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(input, new[] { batch }.Concat(plan.InputShape).ToArray())) };
    float[] theirs;
    using (var results = onnx.Run(feed))
    {
        theirs = results.First().AsTensor<float>().ToArray();
    }

    ours.Run(input, batch, output);
    double error = output.Zip(theirs, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
    if (error > 1e-3)
    {
        Console.Error.WriteLine($"batch {batch}: ours and ONNX Runtime disagree by {error:E2} (relative, 1e-3 allowed): not timing different computations.");
        return 1;
    }

    for (int i = 0; i < 5; i++)
    {
        ours.Run(input, batch, output);
        using var warm = onnx.Run(feed);
    }

    var oursTimes = new List<double>();
    var theirTimes = new List<double>();
    for (int i = 0; i < iterations; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        ours.Run(input, batch, output); // returns after the copy back: the work is done
        oursTimes.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        t0 = Stopwatch.GetTimestamp();
        using (var r = onnx.Run(feed))
        {
            _ = r.First().AsTensor<float>()[0, 0];
        }

        theirTimes.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
    }

    double Median(List<double> t) => t.OrderBy(v => v).ElementAt(t.Count / 2);
    double oursRate = batch / Median(oursTimes), theirRate = batch / Median(theirTimes);
    Console.WriteLine($"| {batch} | {theirRate:F1} | {oursRate:F1} | {oursRate / theirRate:F2} | {error:E1} |");
}

return 0;
