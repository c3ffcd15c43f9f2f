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
/// Inference throughput on the same network and weights: our two CPU backends against ONNX Runtime running the
/// model we export, same machine, same thread count (all cores). Images per second = batch / mean time.
/// The ILGPU CPU path simulates GPU threads and is slow, so few iterations keep the run short.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
[MemoryDiagnoser]
public abstract class InferenceBenchmarks<TNetwork>
    where TNetwork : INetwork, new()
{
    private float[] _input = null!;
    private float[] _output = null!;
    private InferenceSession _onnx = null!;
    private List<NamedOnnxValue> _feed = null!;
    private ChipSet _cpuChips = null!;
    private ChipSet _ilgpuChips = null!;
    private Model _cpu = null!;
    private Model _ilgpu = null!;

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var network = new TNetwork();
        var plan = TNetwork.Plan;
        var random = new Random(1);
        _input = Enumerable.Range(0, Batch * (int)TensorShape.Elements(plan.InputShape)).Select(_ => random.NextSingle()).ToArray();
        _output = new float[Batch * (int)TensorShape.Elements(plan.Layers[^1].OutputShape)];

        var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        _onnx = new InferenceSession(OnnxExporter.ExportToBytes(plan, network.Parameters), options);
        var shape = new[] { Batch }.Concat(plan.InputShape).ToArray();
        _feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(_input, shape)) };

        _cpuChips = ChipSet.Cpu(1);
        _cpu = Model.Create(network, _cpuChips);
        _ilgpuChips = ChipSet.IlgpuCpu(1);
        _ilgpu = Model.Create(network, _ilgpuChips);

        // Same model, same answer: refuse to time different computations.
        using var results = _onnx.Run(_feed);
        var theirs = results.First().AsTensor<float>().ToArray();
        foreach (var (name, model) in new[] { ("CPU", _cpu), ("ILGPU", _ilgpu) })
        {
            var ours = model.Run(_input, Batch);
            var error = ours.Zip(theirs, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
            if (error > 1e-4)
            {
                throw new InvalidOperationException($"{name} and ONNX Runtime disagree by {error:E2}");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime CPU")]
    public float OnnxRuntime()
    {
        using var results = _onnx.Run(_feed);
        return results.First().AsTensor<float>()[0, 0];
    }

    [Benchmark(Description = "ours: vectorised CPU")]
    public float VectorisedCpu()
    {
        _cpu.Run(_input, Batch, _output);
        return _output[0];
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
        _cpu.Dispose();
        _ilgpu.Dispose();
        _cpuChips.Dispose();
        _ilgpuChips.Dispose();
        _onnx.Dispose();
    }
}

public class ResNet18Inference : InferenceBenchmarks<ResNet18>
{
}

public class FashionCnnInference : InferenceBenchmarks<FashionCnn>
{
}
