using System;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>The CPU backend's wire bytes are the ILGPU kernels' wire bytes, so chips of different backends interoperate.</summary>
public class WireCodecTests
{
    private static readonly float[] Values = Enumerable.Range(0, 96)
        .Select(i => i switch
        {
            0 => 0f,
            1 => -0f,
            2 => 65519.99f,
            3 => 1e-7f,
            4 => 2.5f,
            5 => -3.0000002f,
            _ => MathF.Sin(i * 1.7f) * MathF.Pow(10, (i % 7) - 3),
        })
        .ToArray();

    [Theory]
    [InlineData(WireFormat.Float32)]
    [InlineData(WireFormat.Float16)]
    [InlineData(WireFormat.BFloat16)]
    [InlineData(WireFormat.Int8)]
    public void CpuPackingEqualsTheIlgpuKernelsByte(WireFormat format)
    {
        const int Batch = 3;
        var perSample = Values.Length / Batch;
        var bytes = format switch { WireFormat.Float16 or WireFormat.BFloat16 => 2 * Values.Length, WireFormat.Int8 => Values.Length + (4 * Batch), _ => 4 * Values.Length };
        var cpu = new byte[bytes];
        Assert.Equal(bytes, WireCodec.Of(format).Pack(Values, Batch, cpu));

        using var chip = IlgpuChip.Cpu();
        var accelerator = chip.Accelerator;
        using var x = accelerator.Allocate1D(Values);
        using var wire = accelerator.Allocate1D<byte>(bytes);
        ArrayView<byte> view = wire.View;
        switch (format)
        {
            case WireFormat.Float16:
                accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<ushort>>(PackHalf)(Values.Length, x.View, view.Cast<ushort>());
                break;
            case WireFormat.BFloat16:
                accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<ushort>>(PackBHalf)(Values.Length, x.View, view.Cast<ushort>());
                break;
            case WireFormat.Int8:
                var scales = view.SubView(0, 4 * Batch).Cast<float>();
                var data = view.SubView(4 * Batch, bytes - (4 * Batch)).Cast<sbyte>();
                accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(Scale)(Batch, x.View, scales, perSample);
                accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<sbyte>, int>(Quantize)(Values.Length, x.View, scales, data, perSample);
                break;
            default:
                accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(Copy)(Values.Length, x.View, view.Cast<float>());
                break;
        }

        accelerator.Synchronize();
        Assert.Equal(wire.GetAsArray1D(), cpu);

        var back = new float[Values.Length];
        WireCodec.Of(format).Unpack(cpu, Batch, back);
        Assert.All(back, v => Assert.False(float.IsNaN(v)));
    }

    /// <summary>
    /// Every truncation width: the ILGPU kernels (one thread per wire byte packing, one per value unpacking) write the
    /// host codec's bytes, and read back what the host codec reads (NaNs, infinities and denormals among the values).
    /// </summary>
    [Fact]
    public void CpuTruncationEqualsTheIlgpuKernelsByteAtEveryWidth()
    {
        const int Batch = 3;
        var values = Values.ToArray();
        values[6] = float.NaN;
        values[7] = float.NegativeInfinity;
        values[8] = BitConverter.UInt32BitsToSingle(0x007FFFFF); // a denormal
        var perSample = values.Length / Batch;

        using var chip = IlgpuChip.Cpu();
        var accelerator = chip.Accelerator;
        var pack = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<byte>, int, int>(PackTruncated);
        var unpack = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<float>, int, int>(UnpackTruncated);
        using var x = accelerator.Allocate1D(values);
        using var y = accelerator.Allocate1D<float>(values.Length);
        for (var bits = 1; bits <= 32; bits++)
        {
            var codec = WireCodec.Of(WireEncoding.Truncated(bits));
            var cpu = new byte[codec.Bytes(Batch, perSample)];
            Assert.Equal(cpu.Length, codec.Pack(values, Batch, cpu));

            using var wire = accelerator.Allocate1D<byte>(cpu.Length);
            pack(cpu.Length, x.View, wire.View, perSample, bits);
            accelerator.Synchronize();
            Assert.True(cpu.AsSpan().SequenceEqual(wire.GetAsArray1D()), $"{bits} bits: the kernel's bytes differ from the codec's");

            unpack(values.Length, wire.View, y.View, perSample, bits);
            accelerator.Synchronize();
            var host = new float[values.Length];
            codec.Unpack(cpu, Batch, host);
            Assert.Equal(host.Select(BitConverter.SingleToUInt32Bits), y.GetAsArray1D().Select(BitConverter.SingleToUInt32Bits));
        }
    }

    [Fact]
    public void MixedBackendsComputeWhatOneBackendComputes()
    {
        var network = new SplitResidual();
        var input = ExecutionAssert.Input(2 * 3 * 12 * 12);
        using var cpu = ChipSet.Cpu(2);
        using var mixed = ChipSet.Of(new CpuChip(), IlgpuChip.Cpu());
        using var cpuModel = Model.Create(network, cpu);
        using var mixedModel = Model.Create(network, mixed);

        ExecutionAssert.Close(mixedModel.Run(input, 2), cpuModel.Run(input, 2), 1e-5);
        Assert.True(mixedModel.Ledger.MatchesPlan);
    }

    private static void PackHalf(Index1D i, ArrayView<float> x, ArrayView<ushort> w) => DeviceOps.PackFloat16(i, x, w);

    private static void PackBHalf(Index1D i, ArrayView<float> x, ArrayView<ushort> w) => DeviceOps.PackBFloat16(i, x, w);

    private static void Scale(Index1D i, ArrayView<float> x, ArrayView<float> s, int n) => DeviceOps.Int8Scale(i, x, s, n);

    private static void Quantize(Index1D i, ArrayView<float> x, ArrayView<float> s, ArrayView<sbyte> w, int n) => DeviceOps.Int8Quantize(i, x, s, w, n);

    private static void Copy(Index1D i, ArrayView<float> x, ArrayView<float> y) => DeviceOps.Copy(i, x, y);

    private static void PackTruncated(Index1D i, ArrayView<float> x, ArrayView<byte> w, int n, int bits) => DeviceOps.PackTruncated(i, x, w, n, bits);

    private static void UnpackTruncated(Index1D i, ArrayView<byte> w, ArrayView<float> x, int n, int bits) => DeviceOps.UnpackTruncated(i, w, x, n, bits);
}
