using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Sdk;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Benchmarks.Kernels
{
    /// <summary>
    /// Convolutions of ResNet-18 for CIFAR (3x32x32 input) at batch 1 and 32, all threads: forward with fused
    /// bias + ReLU (weights packed in every call, as in training), forward with weights packed once (inference),
    /// and backward (input, weight and bias gradients).
    /// </summary>
    [Config(typeof(KernelBenchmarkConfig))]
    public class ConvBenchmarks
    {
        public static readonly Dictionary<string, Conv2DDescriptor> Layers = new()
        {
            ["conv1 3-64 32x32"] = Conv2DDescriptor.Square(3, 32, 32, 64, 3, padding: 1, activation: Activation.Relu),
            ["layer1 64-64 32x32"] = Conv2DDescriptor.Square(64, 32, 32, 64, 3, padding: 1, activation: Activation.Relu),
            ["layer2 128-128 16x16"] = Conv2DDescriptor.Square(128, 16, 16, 128, 3, padding: 1, activation: Activation.Relu),
            ["layer3 256-256 8x8"] = Conv2DDescriptor.Square(256, 8, 8, 256, 3, padding: 1, activation: Activation.Relu),
            ["layer4 512-512 4x4"] = Conv2DDescriptor.Square(512, 4, 4, 512, 3, padding: 1, activation: Activation.Relu),
            ["down 64-128 s2"] = Conv2DDescriptor.Square(64, 32, 32, 128, 3, stride: 2, padding: 1, activation: Activation.Relu),
            ["shortcut 1x1 64-128 s2"] = Conv2DDescriptor.Square(64, 32, 32, 128, 1, stride: 2),
        };

        private ConvPlan _plan = null!;
        private float[] _x = Array.Empty<float>();
        private float[] _w = Array.Empty<float>();
        private float[] _b = Array.Empty<float>();
        private float[] _y = Array.Empty<float>();
        private float[] _dx = Array.Empty<float>();
        private float[] _dw = Array.Empty<float>();
        private float[] _db = Array.Empty<float>();

        [ParamsSource(nameof(LayerNames))]
        public string Layer { get; set; } = "layer1 64-64 32x32";

        [Params(1, 32)]
        public int Batch { get; set; }

        public static IEnumerable<string> LayerNames => Layers.Keys;

        /// <summary>Backward counts twice the forward flops (input gradient + weight gradient).</summary>
        public static double Flops(BenchmarkCase c)
        {
            double forward = 2.0 * Layers[(string)c.Parameters["Layer"]].MacsPerSample * (int)c.Parameters["Batch"];
            return c.Descriptor.WorkloadMethod.Name == nameof(Backward) ? 2 * forward : forward;
        }

        [GlobalSetup]
        public void Setup()
        {
            Conv2DDescriptor d = Layers[Layer];
            _plan = new ConvPlan(d);
            _x = KernelData.Random(Batch * d.InputSampleLength, 1);
            _w = KernelData.Random(d.WeightLength, 2);
            _b = KernelData.Random(d.OutChannels, 3);
            _y = new float[Batch * d.OutputSampleLength];
            _dx = new float[_x.Length];
            _dw = new float[_w.Length];
            _db = new float[_b.Length];
            _plan.PackWeights(_w);
        }

        [Benchmark]
        public void Forward() => _plan.Forward(_x, _w, _b, _y, Batch);

        [Benchmark]
        public void ForwardPrepacked() => _plan.ForwardPrepacked(_x, _b, _y, Batch);

        [Benchmark]
        public void Backward() => _plan.Backward(_x, _w, _y, _dx, _dw, _db, Batch);
    }
}
