using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Runtime;
using Sdk.Runtime.Onnx;

namespace Sdk.Benchmarks.Inference;

/// <summary>
/// Inference throughput on the same CIFAR ResNet-18 and weights: our runtime (per backend) against ONNX Runtime
/// running the model we export, same machine, same thread count (all cores). Images per second =
/// batch / mean time. The ILGPU CPU path simulates GPU threads and is slow: few iterations keep the run short.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
[MemoryDiagnoser]
public class ResNetInferenceBenchmarks
{
    private ResNet18 _network = null!;
    private float[] _input = null!;
    private InferenceSession _onnx = null!;
    private List<NamedOnnxValue> _feed = null!;
    private ChipSet _ilgpuChips = null!;
    private Model _ilgpu = null!;
    private float[] _output = null!;

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _network = new ResNet18();
        var random = new Random(1);
        _input = Enumerable.Range(0, Batch * 3 * 32 * 32).Select(_ => random.NextSingle()).ToArray();
        _output = new float[Batch * 10];

        var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        _onnx = new InferenceSession(OnnxExporter.ExportToBytes(ResNet18.Plan, _network.Parameters), options);
        _feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(_input, new[] { Batch, 3, 32, 32 })) };

        _ilgpuChips = ChipSet.IlgpuCpu(1);
        _ilgpu = Model.Create(_network, _ilgpuChips);

        // Same model, same answer: refuse to time two different computations.
        var ours = _ilgpu.Run(_input, Batch);
        using var results = _onnx.Run(_feed);
        var theirs = results.First().AsTensor<float>().ToArray();
        var error = ours.Zip(theirs, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
        if (error > 1e-4)
        {
            throw new InvalidOperationException($"ILGPU and ONNX Runtime disagree by {error:E2}");
        }
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime CPU")]
    public float OnnxRuntime()
    {
        using var results = _onnx.Run(_feed);
        return results.First().AsTensor<float>()[0, 0];
    }

    [Benchmark(Description = "ours: ILGPU CPU")]
    public float IlgpuCpu()
    {
        _ilgpu.Run(_input, Batch, _output);
        return _output[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ilgpu.Dispose();
        _ilgpuChips.Dispose();
        _onnx.Dispose();
    }
}
