using System;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Tests.Backends;

/// <summary>
/// Every layer kind and every wire format the compiler knows has its kernels in every backend and stage that runs
/// them. Adding a kind or a format without them fails here (the ILGPU kernels are checked in the generator tests).
/// </summary>
public class BackendCompletenessTests
{
    private static readonly LayerKind[] Kinds = Enum.GetValues<LayerKind>();

    [Fact]
    public void EveryLayerKindHasADefinition() =>
        Assert.Equal(Kinds, LayerDefinitions.All.Select(d => d.Kind));

    [Fact]
    public void EveryLayerKindHasACpuInferenceStep() =>
        Assert.Equal(Kinds.Order(), CpuLayerStep.ByKind.Keys.Order());

    [Fact]
    public void EveryLayerKindHasACpuTrainingKernel() =>
        Assert.Equal(Kinds.Order(), CpuTrainingKernels.Kinds.Order());

    [Fact]
    public void EveryLayerKindHasAnOnnxExport() =>
        Assert.Equal(Kinds.Order(), OnnxExporter.GraphEmitter.Kinds.Keys.Order());

    [Fact]
    public void EveryWireFormatHasADefinitionAndAHostCodec()
    {
        var formats = Enum.GetValues<WireFormat>();
        Assert.Equal(formats, WireFormats.All.Select(f => f.Format).Distinct());
        Assert.Equal(WireFormats.Encodings, WireFormats.All.Select(f => f.Encoding));
        Assert.Equal(WireFormats.Encodings, WireCodec.All.Select(c => c.Encoding));
        Assert.Equal(Enumerable.Range(1, 32), WireFormats.Encodings.Where(e => e.Format == WireFormat.Truncated).Select(e => e.Bits));
    }

    /// <summary>The codec's layout, what it writes and what it accepts, is the compiler's count for its encoding (every truncation width too).</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(800, 4)]
    public void EveryCodecWritesTheCompilersCount(int valuesPerSample, int samples)
    {
        var values = Enumerable.Range(0, valuesPerSample * samples).Select(i => (float)Math.Sin(i)).ToArray();
        foreach (var codec in WireCodec.All)
        {
            var predicted = WireFormats.Of(codec.Encoding).Bytes(valuesPerSample, samples);
            Assert.Equal(predicted, codec.Bytes(samples, valuesPerSample));
            var wire = new byte[predicted + 16];
            Assert.Equal(predicted, codec.Pack(values, samples, wire));

            var back = new float[values.Length];
            codec.Unpack(wire.AsSpan(0, (int)predicted), samples, back);
            Assert.Throws<System.IO.InvalidDataException>(() => codec.Unpack(wire.AsSpan(0, (int)predicted - 1), samples, back));
        }
    }

    [Fact]
    public void ChipSetsFindTheirKindsByName()
    {
        Assert.Equal(new[] { "cuda", "opencl", "cpu", "ilgpu-cpu" }, ChipKind.All.Select(k => k.Name));
        using var chips = ChipSet.Create("cpu", 2);
        Assert.All(chips.Chips, c => Assert.Equal(CpuChip.BackendName, c.Backend));
        var unknown = Assert.Throws<ArgumentException>(() => ChipSet.Create("tpu", 1));
        Assert.Contains("cpu, ilgpu-cpu", unknown.Message);
    }
}
