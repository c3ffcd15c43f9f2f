using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Tests.Execution;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Training;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Training;

public sealed class TrainerTests
{
    private static readonly TrainerOptions Sgd = new()
    {
        Optimizer = OptimizerOptions.Sgd(momentum: 0.9, weightDecay: 1e-4),
        Schedule = LearningRateSchedule.Constant(0.1),
        Seed = 11,
    };

    /// <summary>Max |a − e| / max |e| per tensor, worst over all tensors (renamed by <paramref name="rename"/>).</summary>
    private static double WorstRelativeDifference(ParameterSet actual, ParameterSet expected, Func<string, string>? rename = null) =>
        actual.Tensors.Max(t => ExecutionAssert.RelativeError(actual[t.Name], expected[rename?.Invoke(t.Name) ?? t.Name]));

    [Fact]
    public void OneStepOnTwoChips_EqualsTheSameStepOnOneChip()
    {
        // Conv, BatchNorm (batch statistics), a residual edge across the cut (the tensor is read on both chips),
        // grouped conv, pools, concat of a tensor with itself, GAP, Gelu, Dropout (same masks: keyed by layer name),
        // a final Softmax.
        var split = new SplitResidual();
        ExecutionAssert.RandomiseBatchNorms(split.Parameters);
        var single = new SingleResidual();
        ExecutionAssert.CopyParameters(split.Parameters, single.Parameters);
        var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 6, 5);

        TrainStepResult a, b;
        using (var chips = ChipSet.Cpu(2))
        using (var trainer = Trainer.Create(split, chips, Sgd))
        {
            a = trainer.TrainStep(images, labels, 6);
        }

        using (var chips = ChipSet.Cpu(1))
        using (var trainer = Trainer.Create(single, chips, Sgd))
        {
            b = trainer.TrainStep(images, labels, 6);
        }

        Assert.Equal(b.Loss, a.Loss, 5);
        Assert.Equal(b.Correct, a.Correct);
        var difference = WorstRelativeDifference(split.Parameters, single.Parameters);
        Assert.True(difference <= 1e-5, $"parameters differ by {difference:E2} (relative)");

        // The step changed the weights and the running statistics.
        var fresh = new SplitResidual();
        ExecutionAssert.RandomiseBatchNorms(fresh.Parameters);
        Assert.NotEqual(fresh.Parameters["Conv1.weight"], split.Parameters["Conv1.weight"]);
        Assert.NotEqual(fresh.Parameters["Bn1.running_mean"], split.Parameters["Bn1.running_mean"]);
    }

    [Fact]
    public void BottleneckOnThreeChips_EqualsItsLayersWrittenOutOnOneChip()
    {
        static string Rename(string name) => name
            .Replace("Body.encoder", "BodyEncoder", StringComparison.Ordinal)
            .Replace("Body.decoder", "BodyDecoder", StringComparison.Ordinal)
            .Replace("Out.encoder", "OutEncoder", StringComparison.Ordinal)
            .Replace("Out.decoder", "OutDecoder", StringComparison.Ordinal);

        var split = new SplitBottleneck();
        var single = new SingleBottleneck();
        ExecutionAssert.CopyParameters(split.Parameters, single.Parameters, Rename);
        var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 4, 6);
        var options = Sgd with { Optimizer = OptimizerOptions.AdamW(weightDecay: 0.01), Schedule = LearningRateSchedule.Constant(1e-2) };

        using (var chips = ChipSet.Cpu(3))
        using (var trainer = Trainer.Create(split, chips, options))
        {
            trainer.TrainStep(images, labels, 4);
            trainer.TrainStep(images, labels, 4);
        }

        using (var chips = ChipSet.Cpu(1))
        using (var trainer = Trainer.Create(single, chips, options))
        {
            trainer.TrainStep(images, labels, 4);
            trainer.TrainStep(images, labels, 4);
        }

        var difference = WorstRelativeDifference(split.Parameters, single.Parameters, Rename);
        Assert.True(difference <= 1e-5, $"parameters differ by {difference:E2} (relative)");
    }

    [Fact]
    public void Ledger_EqualsThePlansTrainingTraffic_EveryWireFormat()
    {
        // Float16, BFloat16 and Int8 cuts: the gradients travel back in the same formats, same byte counts.
        var network = new ChainedWireFormats();
        using var chips = ChipSet.Cpu(4);
        using var trainer = Trainer.Create(network, chips, Sgd);
        var (images, labels) = GradientCheck.Batch(ChainedWireFormats.Plan, 5, 7);
        trainer.TrainStep(images, labels, 5);
        trainer.TrainStep(images.AsSpan(0, 3 * 600), labels.AsSpan(0, 3), 3);

        var ledger = trainer.Ledger;
        Assert.Equal(8, ledger.ForwardSamples);
        Assert.Equal(8, ledger.BackwardSamples);
        Assert.True(ledger.MatchesPlan, ledger.ToMarkdown());
        Assert.Equal(ChainedWireFormats.Plan.ForwardBytesPerSample * 8, ledger.ForwardBytes);
        Assert.Equal(ChainedWireFormats.Plan.BackwardBytesPerSample * 8, ledger.BackwardBytes);
        foreach (var cut in ledger.Cuts)
        {
            Assert.Equal((cut.Cut.ForwardBytesPerSample + cut.Cut.BackwardBytesPerSample) * 8, cut.ForwardBytes + cut.BackwardBytes);
            Assert.Equal(4, cut.Transfers); // two steps, one transfer each way per step
        }

        // Per chip pair, both directions: forward bytes on a -> b, gradient bytes on b -> a.
        var pairs = ledger.Links.ToDictionary(l => (l.FromChip, l.ToChip), l => l.Bytes);
        Assert.Equal(ChainedWireFormats.Plan.Cuts[0].BackwardBytesPerSample * 8, pairs[(1, 0)]);
        Assert.Equal(ChainedWireFormats.Plan.Cuts[2].ForwardBytesPerSample * 8, pairs[(2, 3)]);
        Assert.Equal("no", ledger.ToMarkdown().Contains("**no**", StringComparison.Ordinal) ? "yes" : "no");
    }

    [Fact]
    public void Ledger_EqualsThePlan_ResidualAndBottleneckNetworks()
    {
        var residual = new SplitResidual();
        using (var chips = ChipSet.Cpu(2))
        using (var trainer = Trainer.Create(residual, chips, Sgd))
        {
            var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 4, 5);
            trainer.TrainStep(images, labels, 4);
            trainer.ComputeLoss(images, labels, 4); // forward only: forward bytes and samples, no backward
            Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
            Assert.Equal(8, trainer.Ledger.ForwardSamples);
            Assert.Equal(4, trainer.Ledger.BackwardSamples);
            Assert.Equal(SplitResidual.Plan.BackwardBytesPerSample * 4, trainer.Ledger.BackwardBytes);
        }

        var bottleneck = new SplitBottleneck();
        using (var chips = ChipSet.Cpu(3))
        using (var trainer = Trainer.Create(bottleneck, chips, Sgd))
        {
            var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 3, 6);
            trainer.TrainStep(images, labels, 3);
            Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
            Assert.Equal((SplitBottleneck.Plan.ForwardBytesPerSample + SplitBottleneck.Plan.BackwardBytesPerSample) * 3, trainer.Ledger.ForwardBytes + trainer.Ledger.BackwardBytes);
        }
    }

    [Fact]
    public void LossFalls_OnASmallRandomProblem()
    {
        // 32 random samples with random labels on the 3-chip bottleneck network: Adam fits them in a few steps.
        var network = new SplitBottleneck();
        using var chips = ChipSet.Cpu(3);
        using var trainer = Trainer.Create(network, chips, new TrainerOptions { Optimizer = OptimizerOptions.Adam(), Schedule = LearningRateSchedule.Constant(1e-2) });
        var (images, labels) = GradientCheck.Batch(SplitBottleneck.Plan, 32, 6);
        var losses = Enumerable.Range(0, 16).Select(_ => trainer.TrainStep(images, labels, 32).Loss).ToArray();

        Assert.True(losses[^1] < 0.5 * losses[0], $"losses: {string.Join(", ", losses)}");
        Assert.True(losses.Zip(losses.Skip(1)).Count(p => p.Second < p.First) >= 12, $"losses: {string.Join(", ", losses)}");
        Assert.Equal(16, trainer.Step);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adamw")]
    public void ResumedRun_ReachesTheSameParameters_AsAnUninterruptedOne(string optimizer)
    {
        // BatchNorm running statistics, Dropout masks (seeded by step), momentum / Adam moments and a cosine
        // schedule with warm-up all have to survive the checkpoint.
        var options = new TrainerOptions
        {
            Optimizer = optimizer == "sgd" ? OptimizerOptions.Sgd(momentum: 0.9, nesterov: true, weightDecay: 1e-3) : OptimizerOptions.AdamW(weightDecay: 0.05),
            Schedule = LearningRateSchedule.Cosine(optimizer == "sgd" ? 0.05 : 3e-3, totalSteps: 6, warmupSteps: 2),
            Seed = 42,
        };
        var batches = Enumerable.Range(0, 6).Select(i => GradientCheck.Batch(SplitResidual.Plan, 4, 5, seed: 100 + i)).ToArray();

        var uninterrupted = new SplitResidual();
        using (var chips = ChipSet.Cpu(2))
        using (var trainer = Trainer.Create(uninterrupted, chips, options))
        {
            foreach (var (x, y) in batches)
            {
                trainer.TrainStep(x, y, 4);
            }
        }

        using var temp = new TempDirectory();
        var path = temp.File("run.ckpt.safetensors");
        using (var chips = ChipSet.Cpu(2))
        using (var trainer = Trainer.Create(new SplitResidual(), chips, options))
        {
            foreach (var (x, y) in batches.Take(3))
            {
                trainer.TrainStep(x, y, 4);
            }

            trainer.Epoch = 1;
            trainer.SaveCheckpoint(path);
        }

        var resumed = new SplitResidual();
        resumed.Parameters.Initialize(seed: 999); // nothing of the fresh network must survive the load
        using (var chips = ChipSet.Cpu(2))
        using (var trainer = Trainer.Create(resumed, chips, options with { Seed = 0 }))
        {
            trainer.LoadCheckpoint(path);
            Assert.Equal(3, trainer.Step);
            Assert.Equal(1, trainer.Epoch);
            Assert.Equal(42, trainer.Seed);
            foreach (var (x, y) in batches.Skip(3))
            {
                trainer.TrainStep(x, y, 4);
            }
        }

        // Same process, same kernels and thread count: bit for bit.
        foreach (var t in uninterrupted.Parameters.Tensors)
        {
            Assert.Equal(uninterrupted.Parameters[t.Name], resumed.Parameters[t.Name]);
        }
    }

    [Fact]
    public void Checkpoint_LoadsAsWeights_AndTheInferenceModelSeesTheTrainedWeights()
    {
        var network = new SplitResidual();
        using var chips = ChipSet.Cpu(2);
        using var trainer = Trainer.Create(network, chips, Sgd);
        var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 4, 5);
        trainer.TrainStep(images, labels, 4);
        using var temp = new TempDirectory();
        trainer.SaveCheckpoint(temp.File("c.safetensors"));

        var copy = new SplitResidual();
        copy.Parameters.Load(temp.File("c.safetensors"), allowExtra: true);
        using var modelA = Model.Create(network, chips);
        using var modelB = Model.Create(copy, ChipSet.Cpu(2));
        Assert.Equal(modelA.Run(images, 4), modelB.Run(images, 4));

        var file = SafeTensorsFile.Read(temp.File("c.safetensors"));
        Assert.Equal(Trainer.CheckpointFormat, file.Metadata["format"]);
        Assert.Equal("1", file.Metadata["step"]);
        Assert.Contains("optimizer.Conv1.weight.momentum_buffer", file.Names);
    }

    [Fact]
    public void CorruptOrTruncatedCheckpoint_IsAClearErrorNamingTheFile_AndChangesNothing()
    {
        var network = new SplitResidual();
        using var chips = ChipSet.Cpu(2);
        using var trainer = Trainer.Create(network, chips, Sgd);
        var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 4, 5);
        trainer.TrainStep(images, labels, 4);
        using var temp = new TempDirectory();
        var good = temp.File("good.safetensors");
        trainer.SaveCheckpoint(good);
        var bytes = File.ReadAllBytes(good);
        var before = TestParameters.Snapshot(network.Parameters);

        void Rejects(string name, byte[] content, string expected)
        {
            var path = temp.File(name);
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<CheckpointException>(() => trainer.LoadCheckpoint(path));
            Assert.Equal(path, e.FilePath);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }

        Rejects("truncated.safetensors", bytes[..(bytes.Length - 100)], "reach");
        Rejects("short.safetensors", bytes[..5], "fewer than the 8-byte header length");
        var corrupt = (byte[])bytes.Clone();
        corrupt[10] = (byte)'#';
        Rejects("corrupt-header.safetensors", corrupt, "Invalid safetensors file");

        var weightsOnly = temp.File("weights.safetensors");
        network.Parameters.Save(weightsOnly);
        Rejects("weights.safetensors", File.ReadAllBytes(weightsOnly), "its format is 'pt'");

        using (var other = Trainer.Create(new SingleResidual(), ChipSet.Cpu(1), Sgd))
        {
            var path = temp.File("other.safetensors");
            other.SaveCheckpoint(path);
            Rejects("other.safetensors", File.ReadAllBytes(path), "network 'SingleResidual'");
        }

        using (var adam = Trainer.Create(new SplitResidual(), ChipSet.Cpu(2), Sgd with { Optimizer = OptimizerOptions.Adam() }))
        {
            var e = Assert.Throws<CheckpointException>(() => adam.LoadCheckpoint(good));
            Assert.Contains("sgd optimiser state", e.Message, StringComparison.Ordinal);
        }

        Assert.Throws<FileNotFoundException>(() => trainer.LoadCheckpoint(temp.File("missing.safetensors")));
        foreach (var (name, values) in before)
        {
            Assert.Equal(values, network.Parameters[name]);
        }

        Assert.Equal(1, trainer.Step);
    }

    [Fact]
    public void BadArguments_AreClearErrors()
    {
        var network = new SplitResidual();
        using var chips = ChipSet.Cpu(2);
        using var trainer = Trainer.Create(network, chips, Sgd);
        var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 2, 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(images, labels, 0));
        Assert.Contains("SplitResidual", Assert.Throws<ArgumentException>(() => trainer.TrainStep(images.AsSpan(1), labels, 2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => trainer.TrainStep(images, labels.AsSpan(1), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(images, new[] { 0, 5 }, 2));
        Assert.Throws<ArgumentException>(() => Trainer.Create(network, ChipSet.Cpu(3)));
        Assert.Throws<NotSupportedException>(() => Trainer.Create(network, ChipSet.IlgpuCpu(2)));
        Assert.Throws<KeyNotFoundException>(() => trainer.Gradient("Bn1.running_mean"));
        chips.Dispose();
        Assert.Throws<ObjectDisposedException>(() => trainer.TrainStep(images, labels, 2));
    }
}
