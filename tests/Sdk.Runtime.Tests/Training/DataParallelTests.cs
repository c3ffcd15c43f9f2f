using System;
using System.Linq;
using Sdk.Runtime.Tests.Execution;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Training;

/// <summary>Data-parallel replicas: one replica is the single-copy training, several train the batch's mean gradient, and the exchange is counted apart, to the byte.</summary>
public sealed class DataParallelTests
{
    private static readonly TrainerOptions AdamW = new()
    {
        Optimizer = OptimizerOptions.AdamW(weightDecay: 1e-2),
        Schedule = LearningRateSchedule.Constant(1e-2),
        Seed = 3,
    };

    private static float[] Weights(ParameterSet parameters) => parameters.Tensors.SelectMany(t => parameters[t.Name]).ToArray();

    [Fact]
    public void OneReplica_TrainsBitForBitAsWithoutDataParallelOptions()
    {
        // One replica exchanges nothing, so even a lossy exchange format changes nothing: same losses, same weights, bit for bit.
        var plain = new SplitResidual();
        var single = new SplitResidual();
        var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 6, 5);
        var lossy = AdamW with { DataParallel = new DataParallelOptions { Replicas = 1, Weights = WireEncoding.Truncated(8), Gradients = WireFormat.Int8 } };

        using var chipsA = ChipSet.Cpu(2);
        using var chipsB = ChipSet.Cpu(2);
        using var a = Trainer.Create(plain, chipsA, AdamW);
        using var b = Trainer.Create(single, chipsB, lossy);
        for (var step = 0; step < 3; step++)
        {
            Assert.Equal(a.TrainStep(images, labels, 6), b.TrainStep(images, labels, 6));
        }

        Assert.Equal(Weights(plain.Parameters), Weights(single.Parameters));
        Assert.Equal(0, b.Ledger.Exchange.Transfers);
        Assert.Equal(a.Ledger.ForwardBytes + a.Ledger.BackwardBytes, b.Ledger.TotalBytes);
    }

    [Fact]
    public void TwoReplicas_WithAFloat32Exchange_TrainLikeOneCopyOnTheWholeBatch()
    {
        // No BatchNorm or dropout, so the shares' mean gradients weighted by share are the whole batch's gradient.
        var one = new SplitBottleneck();
        var two = new SplitBottleneck();
        var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 5, 6);
        using var chipsOne = ChipSet.Cpu(3);
        using var chipsTwo = ChipSet.Cpu(6);
        using var single = Trainer.Create(one, chipsOne, AdamW);
        using var pair = Trainer.Create(two, chipsTwo, AdamW with { DataParallel = new DataParallelOptions { Replicas = 2 } });
        for (var step = 0; step < 2; step++)
        {
            var expected = single.TrainStep(images, labels, 5);
            var actual = pair.TrainStep(images, labels, 5); // shares of 3 and 2 samples
            Assert.Equal(expected.Loss, actual.Loss, 5);
            Assert.Equal(expected.Correct, actual.Correct);
        }

        var difference = one.Parameters.Tensors.Max(t => ExecutionAssert.RelativeError(two.Parameters[t.Name], one.Parameters[t.Name]));
        Assert.True(difference <= 1e-5, $"parameters differ by {difference:E2} (relative)");

        var ledger = pair.Ledger;
        Assert.True(ledger.MatchesPlan, ledger.ToMarkdown());
        Assert.Equal(single.Ledger.ForwardBytes, ledger.ForwardBytes); // the cuts carry the same samples, split
        Assert.Equal(2 * ExchangeTraffic.StepBytes(SplitBottleneck.Plan, 2, WireFormat.Float32, WireFormat.Float32), ledger.Exchange.Bytes);
        var trainable = SplitBottleneck.Plan.Layers.SelectMany(l => l.Parameters).Where(p => p.Trainable).Sum(p => p.Elements);
        Assert.Equal(2 * 2 * 4 * trainable, ledger.Exchange.Bytes); // 2 steps, weights out and gradients back, 4 bytes a value
    }

    [Fact]
    public void ATruncatedExchange_IsCountedApartAndEqualsThePrediction()
    {
        var network = new SplitBottleneck();
        var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 7, 6);
        using var chips = ChipSet.Cpu(9);
        var parallel = new DataParallelOptions { Replicas = 3, Weights = WireEncoding.Truncated(13), Gradients = WireFormat.BFloat16 };
        using var trainer = Trainer.Create(network, chips, AdamW with { DataParallel = parallel });
        trainer.TrainStep(images, labels, 7);
        trainer.TrainStep(images, labels, 7);

        var exchange = trainer.Ledger.Exchange;
        Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
        Assert.Equal(2 * ExchangeTraffic.StepBytes(SplitBottleneck.Plan, 3, WireEncoding.Truncated(13), WireFormat.BFloat16), exchange.Bytes);
        var tensors = SplitBottleneck.Plan.Layers.SelectMany(l => l.Parameters).Where(p => p.Trainable).ToArray();
        Assert.Equal(2 * 2 * tensors.Sum(p => (p.Elements * 13 + 7) / 8), exchange.WeightBytes); // 2 steps x 2 replicas, each tensor from a byte boundary
        Assert.Equal(2 * 2 * tensors.Sum(p => 2 * p.Elements), exchange.GradientBytes);
        Assert.Equal(2 * 2 * 2 * tensors.Length, exchange.Transfers);
        Assert.Equal("Truncated(13)", exchange.WeightEncodings.ToString());
        Assert.Equal(trainer.Ledger.ForwardBytes + trainer.Ledger.BackwardBytes + exchange.Bytes, trainer.Ledger.TotalBytes);
        Assert.Contains($"| {exchange.Transfers} tensors | Truncated(13) |", trainer.Ledger.ToMarkdown());
    }

    [Fact]
    public void AdaptiveExchangeWeights_GainBitsPerLayer_AndTheLedgerFollows()
    {
        var network = new SplitBottleneck();
        var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 4, 6);
        using var chips = ChipSet.Cpu(6);
        var parallel = new DataParallelOptions { Replicas = 2, AdaptiveWeights = new AdaptivePrecision(startBits: 10, threshold: 1e300, interval: 1) };
        using var trainer = Trainer.Create(network, chips, AdamW with { DataParallel = parallel });
        for (var step = 0; step < 4; step++)
        {
            trainer.TrainStep(images, labels, 4);
        }

        // Interval 1 after the reference norm: steps 1 to 4 send 10, 10, 11, 12 bits; every layer with weights has its own schedule.
        Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
        var plan = SplitBottleneck.Plan;
        var tensors = plan.Layers.SelectMany(l => l.Parameters).Where(p => p.Trainable).ToArray();
        Assert.Equal(new[] { 10, 10, 11, 12 }.Sum(bits => tensors.Sum(p => (p.Elements * bits + 7) / 8)), trainer.Ledger.Exchange.WeightBytes);
        Assert.Equal("Truncated(10) → Truncated(12)", trainer.Ledger.Exchange.WeightEncodings.ToString());
        Assert.All(plan.Layers.Where(PrecisionWatch.HasWeights), l => Assert.Equal(13, trainer.Precision.Layer(l.Index)!.Bits));
        Assert.Null(trainer.Precision.Layer(plan.Layers.Single(l => l.Name == "Flat").Index));
    }

    [Fact]
    public void ReplicasNeedTheirChips()
    {
        using var chips = ChipSet.Cpu(3);
        var options = new TrainerOptions { DataParallel = new DataParallelOptions { Replicas = 2 } };
        var error = Assert.Throws<ArgumentException>(() => Trainer.Create(new SplitBottleneck(), chips, options));
        Assert.Contains("2 replicas need 6, but the chip set has 3", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Create(new SplitBottleneck(), chips, new TrainerOptions { DataParallel = new DataParallelOptions { Replicas = 0 } }));
    }
}
