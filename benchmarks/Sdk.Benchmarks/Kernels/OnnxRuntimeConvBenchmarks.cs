using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.ML.OnnxRuntime;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Benchmarks.Kernels
{
    /// <summary>
    /// The peer for <see cref="ConvBenchmarks.ForwardPrepacked"/>: ONNX Runtime (MLAS kernels) running one Conv + Relu
    /// node with the weights as initializers (so it may prepack them), all threads, same shapes and batches.
    /// </summary>
    [Config(typeof(KernelBenchmarkConfig))]
    public class OnnxRuntimeConvBenchmarks
    {
        private InferenceSession _session = null!;
        private RunOptions _run = null!;
        private OrtValue _x = null!;
        private OrtValue _y = null!;
        private string[] _inputNames = { "X" };
        private string[] _outputNames = { "Y" };

        [ParamsSource(nameof(LayerNames))]
        public string Layer { get; set; } = "layer1 64-64 32x32";

        [Params(1, 32)]
        public int Batch { get; set; }

        public static IEnumerable<string> LayerNames => ConvBenchmarks.Layers.Keys;

        public static double Flops(BenchmarkCase c)
            => 2.0 * ConvBenchmarks.Layers[(string)c.Parameters["Layer"]].MacsPerSample * (int)c.Parameters["Batch"];

        [GlobalSetup]
        public void Setup()
        {
            Conv2DDescriptor d = ConvBenchmarks.Layers[Layer];
            byte[] model = SingleConvModel.Build(d, KernelData.Random(d.WeightLength, 2), KernelData.Random(d.OutChannels, 3));
            var options = new SessionOptions
            {
                IntraOpNumThreads = Environment.ProcessorCount,
                InterOpNumThreads = 1,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            };
            _session = new InferenceSession(model, options);
            _run = new RunOptions();
            float[] x = KernelData.Random(Batch * d.InputSampleLength, 1);
            float[] y = new float[Batch * d.OutputSampleLength];
            _x = OrtValue.CreateTensorValueFromMemory(x, new long[] { Batch, d.InChannels, d.InHeight, d.InWidth });
            _y = OrtValue.CreateTensorValueFromMemory(y, new long[] { Batch, d.OutChannels, d.OutHeight, d.OutWidth });

            // The peer must compute the same function: compare once with the SDK's convolution.
            OrtForward();
            var ours = new float[y.Length];
            new ConvPlan(d).Forward(x, KernelData.Random(d.WeightLength, 2), KernelData.Random(d.OutChannels, 3), ours, Batch);
            for (int i = 0; i < ours.Length; i++)
            {
                if (Math.Abs(ours[i] - y[i]) > 1e-3f * (1f + Math.Abs(ours[i])))
                {
                    throw new InvalidOperationException($"ONNX Runtime and ConvPlan differ at {i}: {y[i]} vs {ours[i]}.");
                }
            }

            Console.WriteLine($"// ONNX Runtime output matches ConvPlan ({ours.Length} values).");
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _x.Dispose();
            _y.Dispose();
            _run.Dispose();
            _session.Dispose();
        }

        [Benchmark]
        public void OrtForward() => _session.Run(_run, _inputNames, new[] { _x }, _outputNames, new[] { _y });
    }

    /// <summary>A minimal ONNX ModelProto (opset 13) with X -> Conv(W, B) -> [Relu] -> Y, protobuf-encoded by hand.</summary>
    internal static class SingleConvModel
    {
        public static byte[] Build(Conv2DDescriptor d, float[] weights, float[] bias)
        {
            bool relu = d.Activation == Activation.Relu;
            var conv = new Proto()
                .Str(1, "X").Str(1, "W").Str(1, "B").Str(2, relu ? "C" : "Y").Str(3, "conv").Str(4, "Conv")
                .Msg(5, IntsAttribute("kernel_shape", d.KernelHeight, d.KernelWidth))
                .Msg(5, IntsAttribute("strides", d.StrideHeight, d.StrideWidth))
                .Msg(5, IntsAttribute("pads", d.PadTop, d.PadLeft, d.PadBottom, d.PadRight))
                .Msg(5, IntsAttribute("dilations", d.DilationHeight, d.DilationWidth))
                .Msg(5, new Proto().Str(1, "group").Int(20, 2).Int(3, d.Groups));
            var graph = new Proto().Msg(1, conv);
            if (relu)
            {
                graph.Msg(1, new Proto().Str(1, "C").Str(2, "Y").Str(3, "relu").Str(4, "Relu"));
            }

            graph.Str(2, "single_conv")
                .Msg(5, Tensor("W", weights, d.OutChannels, d.InChannels / d.Groups, d.KernelHeight, d.KernelWidth))
                .Msg(5, Tensor("B", bias, d.OutChannels))
                .Msg(11, ValueInfo("X", d.InChannels, d.InHeight, d.InWidth))
                .Msg(12, ValueInfo("Y", d.OutChannels, d.OutHeight, d.OutWidth));
            return new Proto()
                .Int(1, 8)
                .Msg(8, new Proto().Str(1, string.Empty).Int(2, 13))
                .Msg(7, graph)
                .ToArray();
        }

        private static Proto IntsAttribute(string name, params int[] values)
        {
            var a = new Proto().Str(1, name).Int(20, 7);
            foreach (int v in values)
            {
                a.Int(8, v);
            }

            return a;
        }

        private static Proto Tensor(string name, float[] data, params int[] dims)
        {
            var t = new Proto();
            foreach (int dim in dims)
            {
                t.Int(1, dim);
            }

            var raw = new byte[data.Length * 4];
            Buffer.BlockCopy(data, 0, raw, 0, raw.Length);
            return t.Int(2, 1).Str(8, name).Bytes(9, raw);
        }

        /// <summary>A float tensor [N, c, h, w] with a symbolic batch dimension.</summary>
        private static Proto ValueInfo(string name, int c, int h, int w)
        {
            var shape = new Proto().Msg(1, new Proto().Str(2, "N"));
            foreach (int dim in new[] { c, h, w })
            {
                shape.Msg(1, new Proto().Int(1, dim));
            }

            var tensorType = new Proto().Int(1, 1).Msg(2, shape);
            return new Proto().Str(1, name).Msg(2, new Proto().Msg(1, tensorType));
        }

        /// <summary>Just enough of the protobuf wire format: varint (type 0) and length-delimited (type 2) fields.</summary>
        private sealed class Proto
        {
            private readonly MemoryStream _s = new();

            public Proto Int(int field, long value)
            {
                Varint(((ulong)field << 3) | 0);
                Varint((ulong)value);
                return this;
            }

            public Proto Str(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

            public Proto Msg(int field, Proto message) => Bytes(field, message.ToArray());

            public Proto Bytes(int field, byte[] value)
            {
                Varint(((ulong)field << 3) | 2);
                Varint((ulong)value.Length);
                _s.Write(value, 0, value.Length);
                return this;
            }

            public byte[] ToArray() => _s.ToArray();

            private void Varint(ulong v)
            {
                while (v >= 0x80)
                {
                    _s.WriteByte((byte)(v | 0x80));
                    v >>= 7;
                }

                _s.WriteByte((byte)v);
            }
        }
    }
}
