using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Training;

/// <summary>The adaptive precision policy: its bit schedule on scripted norms, the layer a cut watches, and a cut trained with it.</summary>
public sealed class AdaptivePrecisionTests
{
    [Fact]
    public void TheScheduleAddsABitAfterEachCalmInterval_AndNeverRemovesOne()
    {
        var schedule = new AdaptivePrecision(startBits: 8, threshold: 1e-3, interval: 3).Start();
        // The first norm is the reference; then relative changes of 5e-4 (calm), 1e-1 (not), ...
        double[] norms = { 1.0, 1.0005, 1.001, 1.0015, 1.1, 1.1, 1.1001, 1.1, 1.2, 1.0, 1.0, 1.0, 1.0 };
        int[] bitsAfter = { 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 10, 11 };
        for (var i = 0; i < norms.Length; i++)
        {
            var added = schedule.Observe(norms[i]);
            Assert.Equal(bitsAfter[i], schedule.Bits);
            Assert.Equal(i > 0 && bitsAfter[i] > bitsAfter[i - 1], added);
        }

        Assert.Equal(WireEncoding.Truncated(11), schedule.Encoding);
    }

    [Fact]
    public void AnEncodingRangeKeepsTheNarrowestAndTheWidest_WhateverTheOrder()
    {
        // The weight exchange sends layer after layer, each in its own bits: the range must not end at the last layer sent.
        var range = default(EncodingRange);
        Assert.Equal("—", range.ToString());
        foreach (var bits in new[] { 12, 13, 12, 14, 13, 12 })
        {
            range = range.With(WireEncoding.Truncated(bits));
        }

        Assert.Equal(new EncodingRange(WireEncoding.Truncated(12), WireEncoding.Truncated(14)), range);
        Assert.Equal("Truncated(12) → Truncated(14)", range.ToString());
        Assert.Equal("Float16", default(EncodingRange).With(WireFormat.Float16).With(WireFormat.Float16).ToString());
        Assert.Equal("Truncated(12) → Float32", default(EncodingRange).With(WireEncoding.Truncated(12)).With(WireFormat.Float32).ToString());
    }

    [Fact]
    public void TheScheduleStopsAtThirtyTwoBits()
    {
        var schedule = new AdaptivePrecision(startBits: 30, threshold: 1e-4, interval: 1).Start();
        var bits = Enumerable.Range(0, 6).Select(_ => { schedule.Observe(2.0); return schedule.Bits; }).ToArray();
        Assert.Equal(new[] { 30, 31, 32, 32, 32, 32 }, bits);
    }

    [Fact]
    public void ANaNNormIsNeverCalm()
    {
        var schedule = new AdaptivePrecision(startBits: 12, threshold: 1e-4, interval: 2).Start();
        foreach (var norm in new[] { 1.0, 1.0, double.NaN, 1.0, 1.0 })
        {
            schedule.Observe(norm);
        }

        Assert.Equal(12, schedule.Bits); // the NaN broke the run of calm steps, and the norm after it only set a new reference
        Assert.Equal(1, schedule.CalmSteps);
    }

    [Theory]
    [InlineData(0, 1e-4, 30)]
    [InlineData(33, 1e-4, 30)]
    [InlineData(8, 0, 30)]
    [InlineData(8, double.NaN, 30)]
    [InlineData(8, 1e-4, 0)]
    public void BadPoliciesAreRefused(int start, double threshold, int interval) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptivePrecision(start, threshold, interval));

    [Fact]
    public void ACutWatchesItsSourceOrTheNearestWeightedLayerBeforeIt()
    {
        // The bottleneck encoder has weights: it is watched itself.
        Assert.Equal("Body.encoder", SplitBottleneck.Plan.Layers[PrecisionWatch.LayerOf(SplitBottleneck.Plan, 0)].Name);

        // A cut out of a GlobalAvgPool: the convolution before it.
        var spec = ChainedWireFormatsFloat32.Plan.Spec;
        var pooled = NetworkPlan.Compile(spec with { Layers = spec.Layers.SetItem(4, spec.Layers[4] with { OnChip = 4 }) });
        var fromPool = pooled.Cuts.Single(c => c.From == "D").Index;
        Assert.Equal("C", pooled.Layers[PrecisionWatch.LayerOf(pooled, fromPool)].Name);

        // Only dropout layers: nothing to watch, the cut keeps its start bits.
        Assert.Equal(-1, PrecisionWatch.LayerOf(WireEcho.Plan, 0));
    }

    [Fact]
    public void AnAdaptiveCutTravelsInTheBitsInForce_AndTheLedgerCountsThem()
    {
        // Every step is calm (threshold far above any change), interval 2: the first norm is the reference, so the cut
        // gains a bit after steps 3 and 5; steps 1 to 6 travel at 8, 8, 8, 9, 9, 10 bits.
        var network = new SplitBottleneck();
        using var chips = ChipSet.Cpu(3);
        using var trainer = Trainer.Create(network, chips, new TrainerOptions
        {
            AdaptiveCuts = new Dictionary<int, AdaptivePrecision> { [0] = new(startBits: 8, threshold: 1e300, interval: 2) },
        });
        var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 4, 6);
        for (var step = 0; step < 6; step++)
        {
            trainer.TrainStep(images, labels, 4);
        }

        var ledger = trainer.Ledger;
        Assert.True(ledger.MatchesPlan, ledger.ToMarkdown());
        var cut = ledger.Cuts[0];
        Assert.Equal(256, cut.Cut.Elements); // [4, 8, 8] after the 1/4 bottleneck
        var expected = new[] { 8, 8, 8, 9, 9, 10 }.Sum(bits => 4L * 256 * bits / 8);
        Assert.Equal(expected, cut.ForwardBytes);
        Assert.Equal(expected, cut.BackwardBytes); // the gradient travels truncated too
        Assert.Equal("Truncated(8) → Truncated(10)", cut.Encodings.ToString());
        Assert.Equal(2 * 6 * 4L * 256 * 4, cut.Float32Bytes);
        Assert.Equal(10, trainer.Precision.Cut(0)!.Bits);
        Assert.Null(trainer.Precision.Cut(1));
        Assert.Equal("Float32", ledger.Cuts[1].Encodings.ToString());
        Assert.Contains("Truncated(8) → Truncated(10)", ledger.ToMarkdown());
        Assert.True(ledger.TotalBytes < ledger.Float32Bytes);
    }

    [Fact]
    public void AdaptiveCutsMustNameCutsOfThePlan()
    {
        using var chips = ChipSet.Cpu(3);
        var options = new TrainerOptions { AdaptiveCuts = new Dictionary<int, AdaptivePrecision> { [2] = new(12) } };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Create(new SplitBottleneck(), chips, options));
        Assert.Contains("has 2 cuts; AdaptiveCuts names cut 2", error.Message);
    }
}
