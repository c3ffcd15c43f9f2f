using System;
using System.Linq;
using Sdk.Remote.Tests.Support;
using Sdk.Runtime;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Training;

namespace Sdk.Remote.Tests;

/// <summary>Runs and training over chip hosts equal the in-process ones bit for bit, and the traffic is the plan's to the byte.</summary>
[Collection(RemoteCollection.Name)]
public sealed class RemoteExecutionTests(Deployment deployment)
{
    private const int Batch = 6;

    [Fact]
    public void RunEqualsTheInProcessRunBitForBit()
    {
        var input = Input(Batch);
        var expected = InProcess(model => model.Run(input, Batch));

        using var chips = deployment.Chips();
        using var model = Model.Create(Deployment.Weights(), chips);
        Assert.Equal(Bits(expected), Bits(model.Run(input, Batch)));
        Assert.Equal(Bits(expected), Bits(model.Run(input, Batch))); // the sessions go on
        Assert.All(chips.Chips.OfType<RemoteChip>(), c => Assert.Equal(1, c.Stats.Sessions));
    }

    [Fact]
    public void PipelinedRunEqualsTheInProcessPipelinedRunBitForBit()
    {
        const int batch = 11; // micro-batches of 3, 3, 3, 2
        var input = Input(batch);
        var options = new PipelineOptions { MicroBatch = 3, MaxInFlight = 2 };
        var expected = InProcess(model => model.RunPipelined(input, batch, options));

        using var chips = deployment.Chips();
        using var model = Model.Create(Deployment.Weights(), chips);
        Assert.Equal(Bits(expected), Bits(model.RunPipelined(input, batch, options)));
        Assert.True(model.Ledger.MatchesPlan);
        Assert.Equal(batch, model.Ledger.ForwardSamples);
    }

    [Fact]
    public void LedgerPayloadEqualsThePlanAndFramingIsCountedApart()
    {
        // The plan, checked by hand: cut 0 is Bn1 [8, 8, 8] to chip 1 (Conv2 and Sum read it), cut 1 is Sum [8, 8, 8] to
        // chip 2, cut 2 is Bn3 [16, 4, 4] to chip 3; all Float32, so 4 bytes a value.
        var cuts = RemoteNet.Plan.Cuts;
        Assert.Equal(new[] { (0, 1, 512), (1, 2, 512), (2, 3, 256) }, cuts.Select(c => (c.FromChip, c.ToChip, (int)c.Elements)).ToArray());
        Assert.All(cuts, c => Assert.Equal(WireFormat.Float32, c.Format));

        using var chips = deployment.Chips();
        using var model = Model.Create(Deployment.Weights(), chips);
        var remote = chips.Chips.OfType<RemoteChip>().ToArray();
        foreach (var chip in remote)
        {
            chip.Stats.Reset(); // weights and hellos are not this test's subject
        }

        model.Run(Input(Batch), Batch);

        long[] expected = [Batch * 512 * 4, Batch * 512 * 4, Batch * 256 * 4];
        Assert.Equal(expected, model.Ledger.Cuts.Select(c => c.ForwardBytes).ToArray());
        Assert.Equal(expected, model.Ledger.Cuts.Select(c => c.PredictedForwardBytes).ToArray());
        Assert.True(model.Ledger.MatchesPlan);

        // Each cut crosses the wire through the caller: into its receiver, out of its sender.
        Assert.Equal((expected[0], expected[1]), (remote[0].Stats.CutBytesSent, remote[0].Stats.CutBytesReceived));
        Assert.Equal((expected[1], expected[2]), (remote[1].Stats.CutBytesSent, remote[1].Stats.CutBytesReceived));
        Assert.Equal((expected[2], 0L), (remote[2].Stats.CutBytesSent, remote[2].Stats.CutBytesReceived));

        // Chip 3 also returns the output (6 x 10 float32); nothing else is payload in inference.
        Assert.Equal(expected[2] + (Batch * 10 * 4), remote[2].Stats.PayloadBytesSent + remote[2].Stats.PayloadBytesReceived);
        foreach (var chip in remote)
        {
            var s = chip.Stats;
            Assert.True(s.WireBytesSent + s.WireBytesReceived > s.PayloadBytesSent + s.PayloadBytesReceived);
            Assert.Equal(100.0 * (s.WireBytesSent + s.WireBytesReceived - s.PayloadBytesSent - s.PayloadBytesReceived) / (s.PayloadBytesSent + s.PayloadBytesReceived), s.FramingOverheadPercent, 9);
            Assert.True(s.RoundTrips >= 1 && s.HostTime <= s.RoundTripTime);
        }

        var report = RemoteReport.ToMarkdown(model.Ledger, chips);
        Assert.Contains($"| 1 | {deployment.HostA.Address} | {expected[0]} |", report);
        Assert.Contains($"| 3 | {deployment.HostB.Address} | {expected[2]} |", report);
    }

    [Fact]
    public void TrainingEqualsTheInProcessTrainingBitForBit()
    {
        var (images, labels) = TrainingBatch(4, seed: 5);
        var options = new TrainerOptions { Optimizer = OptimizerOptions.Sgd(momentum: 0.9), Schedule = LearningRateSchedule.Constant(0.05), Seed = 1 };

        var local = Deployment.Weights();
        using var localChips = ChipSet.Cpu(4);
        using var localTrainer = Trainer.Create(local, localChips, options);

        var remote = Deployment.Weights();
        using var chips = deployment.Chips();
        using var trainer = Trainer.Create(remote, chips, options);

        for (var step = 0; step < 3; step++)
        {
            var expected = localTrainer.TrainStep(images, labels, 4);
            var actual = trainer.TrainStep(images, labels, 4);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected.Loss), BitConverter.SingleToInt32Bits(actual.Loss));
        }

        // Every tensor: weights updated by the caller's optimiser from the hosts' gradients, and chip 2's BatchNorm
        // running statistics updated on host B and brought back.
        foreach (var tensor in local.Parameters.Tensors)
        {
            Assert.True(Bits(local.Parameters[tensor.Name]).SequenceEqual(Bits(remote.Parameters[tensor.Name])), tensor.Name);
        }

        Assert.NotEqual(Deployment.Weights().Parameters["Bn3.running_mean"], remote.Parameters["Bn3.running_mean"]);
        Assert.True(trainer.Ledger.MatchesPlan);
        Assert.Equal(3 * 4 * 512 * 4L, trainer.Ledger.Cuts[0].BackwardBytes); // the gradients came back in Float32
    }

    internal static (float[] Images, int[] Labels) TrainingBatch(int batch, int seed)
    {
        var random = new Random(seed);
        var images = Enumerable.Range(0, batch * 3 * 8 * 8).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        var labels = Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray();
        return (images, labels);
    }

    internal static float[] InProcess(Func<Model, float[]> run)
    {
        using var chips = ChipSet.Cpu(4);
        using var model = Model.Create(Deployment.Weights(), chips);
        return run(model);
    }

    internal static float[] Input(int batch, int seed = 3)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * 3 * 8 * 8).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
    }

    internal static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
