using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Running;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Compiler;
using Sdk.Runtime;
using Sdk.Runtime.Onnx;

namespace Sdk.Benchmarks.Inference;

/// <summary>
/// Inference throughput on the same network and weights: one of our CPU backends against ONNX Runtime running
/// the model we export, same machine, same thread count (all cores). Images per second = batch / mean time.
/// GFLOP/s counts 2 flops per multiply-add of the plan (convolutions and dense layers), batch x per-sample MACs.
/// Run them all at once: <c>--filter 'Sdk.Benchmarks.Inference.*'</c>.
/// </summary>
[Config(typeof(InferenceBenchmarkConfig))]
[MemoryDiagnoser]
public abstract class InferenceBenchmarks<TNetwork>
    where TNetwork : INetwork, new()
{
    private float[] _input = null!;
    private float[] _output = null!;
    private InferenceSession _onnx = null!;
    private List<NamedOnnxValue> _feed = null!;
    private ChipSet _chips = null!;
    private Model _model = null!;

    [Params(1, 32)]
    public int Batch { get; set; }

    public static double Flops(BenchmarkCase c) => 2.0 * TNetwork.Plan.Layers.Sum(l => l.Macs) * (int)c.Parameters["Batch"];

    /// <summary>The chip set our side runs on: one chip of the backend under test.</summary>
    protected abstract ChipSet CreateChips();

    [GlobalSetup]
    public void Setup()
    {
        var network = new TNetwork();
        var plan = TNetwork.Plan;
        var random = new Random(1);
        _input = Enumerable.Range(0, Batch * (int)Shapes.Elements(plan.InputShape)).Select(_ => random.NextSingle()).ToArray();
        _output = new float[Batch * (int)Shapes.Elements(plan.Layers[^1].OutputShape)];

        var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 };
        _onnx = new InferenceSession(OnnxExporter.ExportToBytes(plan, network.Parameters), options);
        var shape = new[] { Batch }.Concat(plan.InputShape).ToArray();
        _feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(_input, shape)) };

        _chips = CreateChips();
        _model = Model.Create(network, _chips);

        // Same model, same answer: refuse to time different computations.
        using var results = _onnx.Run(_feed);
        var theirs = results.First().AsTensor<float>().ToArray();
        var ours = _model.Run(_input, Batch);
        var error = ours.Zip(theirs, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
        if (error > 1e-4)
        {
            throw new InvalidOperationException($"{typeof(TNetwork).Name}, batch {Batch}: {_chips} and ONNX Runtime disagree by {error:E2} (relative, 1e-4 allowed)");
        }
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime CPU")]
    public float OnnxRuntime()
    {
        using var results = _onnx.Run(_feed);
        return results.First().AsTensor<float>()[0, 0];
    }

    [Benchmark(Description = "ours")]
    public float Ours()
    {
        _model.Run(_input, Batch, _output);
        return _output[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _chips.Dispose();
        _onnx.Dispose();
    }
}

/// <summary>Our vectorised CPU backend (the default <c>ChipSet.Cpu</c>): enough iterations for a stable mean.</summary>
[InProcessJob(warmupCount: 5, iterationCount: 15)]
public abstract class VectorisedInferenceBenchmarks<TNetwork> : InferenceBenchmarks<TNetwork>
    where TNetwork : INetwork, new()
{
    protected override ChipSet CreateChips() => ChipSet.Cpu(1);
}

/// <summary>The ILGPU CPU accelerator (simulated GPU threads, about a minute per ResNet-18 batch of 32): few iterations.</summary>
[InProcessJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public abstract class IlgpuInferenceBenchmarks<TNetwork> : InferenceBenchmarks<TNetwork>
    where TNetwork : INetwork, new()
{
    protected override ChipSet CreateChips() => ChipSet.IlgpuCpu(1);
}

public class ResNet18Vectorised : VectorisedInferenceBenchmarks<ResNet18>
{
}

public class FashionCnnVectorised : VectorisedInferenceBenchmarks<FashionCnn>
{
}

public class ResNet18Ilgpu : IlgpuInferenceBenchmarks<ResNet18>
{
}

public class FashionCnnIlgpu : IlgpuInferenceBenchmarks<FashionCnn>
{
}
