using System;
using System.Linq;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// Misuse is validated before anything is allocated or computed, and the error names the network and the limit:
/// batch sizes, chip sets, extreme link figures, NaN in training.
/// </summary>
public class RuntimeMisuseTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public void BatchOutsideThePlansLimitIsRefusedBeforeAllocating(int batch)
    {
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(new SplitResidual(), chips);

        // SplitResidual's largest array per sample is its cut's wire bytes, 8 x 12 x 12 float32 = 4608 bytes:
        // Array.MaxLength / 4608 = 466,033 samples fit.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Run(ReadOnlySpan<float>.Empty, batch));
        Assert.Contains("'SplitResidual': the batch size must be from 1 to 466033 (at 466034 samples, the wire bytes of cut 0 (Bn1 → chip 1) would not fit one array)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Run(ReadOnlySpan<float>.Empty, batch, new float[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunPipelined(ReadOnlySpan<float>.Empty, batch, new PipelineOptions { MicroBatch = 1 }));
    }

    [Fact]
    public void TrainingRefusesABatchOutsideThePlansLimit()
    {
        using var chips = ChipSet.Cpu(2);
        using var trainer = Trainer.Create(new SplitResidual(), chips);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty, int.MaxValue));
        Assert.Contains("from 1 to 466033", error.Message);
    }

    [Fact]
    public void ChipSetsRefuseNullAndSharedChipsAndSillyCounts()
    {
        var nullChip = Assert.Throws<ArgumentNullException>(() => ChipSet.Of(new CpuChip(), null!));
        Assert.Contains("Chip 1 of the 2 given is null", nullChip.Message);
        using var chip = new CpuChip();
        Assert.Throws<ArgumentException>(() => ChipSet.Of(chip, chip));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChipSet.Cpu(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChipSet.Cpu(ChipSet.MaxChips + 1));
    }

    [Fact]
    public void ExtremeLinkFiguresSaturateInsteadOfOverflowing()
    {
        // The slowest and longest link the compiler accepts: 1e-9 GB/s (1 byte per second), 1e12 µs of latency.
        var spec = SplitResidual.Plan.Spec with
        {
            Links = EquatableArray.Of(new LinkSpec(0, 1, GigabytesPerSecond: 1e-9, LatencyMicroseconds: 1e12)),
        };
        var plan = NetworkPlan.Compile(spec);
        Assert.Equal(TimeSpan.MaxValue, Link.ModelledTime(plan.Links[0], long.MaxValue));

        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(plan, new ParameterSet(plan), chips);
        model.Run(new float[2 * 432], 2);
        model.Run(new float[2 * 432], 2);
        // Per transfer: 10^12 µs of latency + 2 x 4608 bytes at 1 byte per second.
        Assert.All(model.Ledger.Cuts, c => Assert.Equal(2 * (1e6 + 9216), c.Modelled.TotalSeconds, 3));
        Assert.True(model.Ledger.MatchesPlan);
    }

    [Fact]
    public void NonFiniteLinkFiguresAreCompilerErrors()
    {
        foreach (var bandwidth in new[] { double.NaN, double.PositiveInfinity, double.Epsilon, 0 })
        {
            var spec = SplitResidual.Plan.Spec with { Links = EquatableArray.Of(new LinkSpec(0, 1, bandwidth)) };
            var error = Assert.Throws<NetworkCompilationException>(() => NetworkPlan.Compile(spec));
            Assert.Contains("SDK0016: Link(0, 1): GigabytesPerSecond is", error.Message);
        }
    }

    [Fact]
    public void NaNInATrainingBatchStopsTheStepBeforeAnyUpdate()
    {
        var network = new SplitResidual();
        using var chips = ChipSet.Cpu(2);
        using var trainer = Trainer.Create(network, chips, new TrainerOptions { NanPolicy = NanPolicy.Reject });
        var images = TestParameters.Input(2, SplitResidual.Plan.InputShape, seed: 3);
        images[432 + 17] = float.NaN;
        var before = TestParameters.Snapshot(network.Parameters);

        var error = Assert.Throws<ArithmeticException>(() => trainer.TrainStep(images, new[] { 1, 2 }, 2));

        Assert.Contains("'SplitResidual', step 0: NaN in the input images at element 449 (sample 1, element 17 of it)", error.Message);
        Assert.Equal(0, trainer.Step);
        Assert.All(network.Parameters.Tensors, t => Assert.Equal(before[t.Name], network.Parameters[t.Name]));
    }
}
