using System;
using System.Linq;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// A network split over chips computes what the same network computes on one chip. The bodies take the chip
/// set factory; the classes below run them on ILGPU's CPU accelerator (everywhere) and on CUDA (where present).
/// </summary>
public abstract class PartitionedExecutionTests
{
    protected abstract ChipSet Chips(int count);

    public void SplitResidualEqualsSingleChip(int batch)
    {
        var split = new SplitResidual();
        ExecutionAssert.RandomiseBatchNorms(split.Parameters);
        var single = new SingleResidual();
        ExecutionAssert.CopyParameters(split.Parameters, single.Parameters);
        var input = ExecutionAssert.Input(batch * 3 * 12 * 12);

        float[] expected, actual;
        using (var chips = Chips(1))
        using (var model = Model.Create(single, chips))
        {
            expected = model.Run(input, batch);
        }

        using (var chips = Chips(2))
        using (var model = Model.Create(split, chips))
        {
            actual = model.Run(input, batch);
            Assert.True(model.Ledger.MatchesPlan);
        }

        // Float32 cuts move the exact bits: only the order of float additions could differ, and it does not.
        ExecutionAssert.Close(actual, expected, 1e-5);
    }

    public void BottleneckEqualsItsLayersWrittenOut()
    {
        var split = new SplitBottleneck();
        var single = new SingleBottleneck();
        ExecutionAssert.CopyParameters(split.Parameters, single.Parameters, name => name
            .Replace("Body.encoder", "BodyEncoder", StringComparison.Ordinal)
            .Replace("Body.decoder", "BodyDecoder", StringComparison.Ordinal)
            .Replace("Out.encoder", "OutEncoder", StringComparison.Ordinal)
            .Replace("Out.decoder", "OutDecoder", StringComparison.Ordinal));
        var input = ExecutionAssert.Input(2 * 4 * 8 * 8);

        using var oneChip = Chips(1);
        using var threeChips = Chips(3);
        using var expected = Model.Create(single, oneChip);
        using var actual = Model.Create(split, threeChips);

        ExecutionAssert.Close(actual.Run(input, 2), expected.Run(input, 2), 1e-5);
    }

    /// <summary>
    /// Stated tolerances of the lossy wire formats, relative to the largest output, on this network (inputs in
    /// [-1, 1], PyTorch-default weights): Float16 1e-3, BFloat16 1e-2, Int8 2e-2.
    /// </summary>
    public void LossyWireFormatsStayWithinTheirTolerance()
    {
        var lossy = new ChainedWireFormats();
        var exact = new ChainedWireFormatsFloat32();
        ExecutionAssert.CopyParameters(lossy.Parameters, exact.Parameters);
        var input = ExecutionAssert.Input(4 * 6 * 10 * 10);

        using var chipsA = Chips(4);
        using var chipsB = Chips(4);
        using var lossyModel = Model.Create(lossy, chipsA);
        using var exactModel = Model.Create(exact, chipsB);
        var error = ExecutionAssert.RelativeError(lossyModel.Run(input, 4), exactModel.Run(input, 4));

        Assert.InRange(error, 1e-9, 2e-2); // lossy: not exact, but within the loosest format's bound

        // Per sample: A as Float16 (800 x 2 B), B as BFloat16 (800 x 2 B), C as Int8 (800 x 1 B + a 4-byte scale).
        Assert.Equal(new long[] { 4 * 800 * 2, 4 * 800 * 2, 4 * (800 + 4) }, Array.ConvertAll(lossyModel.Ledger.Compare().ToArray(), c => c.MeasuredForwardBytes));
    }
}

public sealed class IlgpuCpuPartitionedExecutionTests : PartitionedExecutionTests
{
    protected override ChipSet Chips(int count) => ChipSet.IlgpuCpu(count);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SplitResidual(int batch) => SplitResidualEqualsSingleChip(batch);

    [Fact]
    public void Bottleneck() => BottleneckEqualsItsLayersWrittenOut();

    [Fact]
    public void LossyWireFormats() => LossyWireFormatsStayWithinTheirTolerance();
}

/// <summary>The same tests on the vectorised CPU backend (the default CPU chips).</summary>
public sealed class CpuPartitionedExecutionTests : PartitionedExecutionTests
{
    protected override ChipSet Chips(int count) => ChipSet.Cpu(count);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SplitResidual(int batch) => SplitResidualEqualsSingleChip(batch);

    [Fact]
    public void Bottleneck() => BottleneckEqualsItsLayersWrittenOut();

    [Fact]
    public void LossyWireFormats() => LossyWireFormatsStayWithinTheirTolerance();
}

/// <summary>The same tests with every chip on a GPU (CUDA first, then OpenCL); skipped without one.</summary>
public sealed class GpuPartitionedExecutionTests : PartitionedExecutionTests
{
    protected override ChipSet Chips(int count) => Gpu.Chips(count);

    [GpuTheory]
    [InlineData(1)]
    [InlineData(3)]
    public void SplitResidual(int batch) => SplitResidualEqualsSingleChip(batch);

    [GpuFact]
    public void Bottleneck() => BottleneckEqualsItsLayersWrittenOut();

    [GpuFact]
    public void LossyWireFormats() => LossyWireFormatsStayWithinTheirTolerance();
}
