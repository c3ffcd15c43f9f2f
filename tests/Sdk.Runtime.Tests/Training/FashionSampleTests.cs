using System.Linq;
using FashionMnistSample;
using Sdk.Runtime.Data;
using Sdk.Runtime.Tests.Data;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Training;

/// <summary>
/// The short (CI) version of samples/FashionMnist, in-process: the sample's own network and training loop
/// (<c>--subset 2000 --epochs 1</c>), without the console display.
/// </summary>
public sealed class FashionSampleTests
{
    [FashionMnistFact]
    public void ShortRun_LossFalls_AndMeasuredTrafficEqualsThePlan()
    {
        var train = FashionTraining.Subset(FashionMnist.LoadTrain(), 2000);
        var test = FashionTraining.Subset(FashionMnist.LoadTest(), 1000);
        var network = new FashionCnn();
        network.Parameters.Initialize(1);
        using var chips = ChipSet.Cpu(2);
        var run = new FashionTraining(network, train, chips, new FashionOptions { Epochs = 1, Batch = 64, Seed = 1 });

        var results = run.Run();

        Assert.Single(results);
        Assert.Equal(32, run.BatchLosses.Count); // 2000 / 64, the last batch short
        var first = run.BatchLosses.Take(4).Average();
        var last = run.BatchLosses.TakeLast(4).Average();
        Assert.True(last < 0.6 * first, $"loss did not fall: first batches {first:0.000}, last batches {last:0.000}");

        var ledger = run.Trainer.Ledger;
        Assert.True(ledger.MatchesPlan, ledger.ToMarkdown());
        Assert.Equal(2000, ledger.ForwardSamples);
        Assert.Equal(2000, ledger.BackwardSamples);
        Assert.Equal(2000 * (FashionCnn.Plan.ForwardBytesPerSample + FashionCnn.Plan.BackwardBytesPerSample), ledger.ForwardBytes + ledger.BackwardBytes);
        Assert.Equal(2000 * 8 * 14 * 14 * 4, ledger.BackwardBytes); // the 1/4 bottleneck's gradient: 8 x 14 x 14 floats per sample

        // The inference Model (BatchNorm folded, running statistics) already classifies far above chance.
        var accuracy = FashionTraining.Evaluate(network, test, chips, out var inference);
        Assert.True(accuracy > 0.6, $"test accuracy {accuracy:P1}");
        Assert.True(inference.MatchesPlan);
    }

    [FashionMnistFact]
    public void TwoReplicasWithAdaptivePrecision_SendFewerBytesThanFloat32_AndTheLedgerEqualsThePrediction()
    {
        // 640 images, batch 64: 10 steps on 2 replicas of the 2 chips; the cut and the exchanged weights start at 12 bits.
        // A threshold no step can miss and an interval of 4 make the bits grow within the run: steps 1 to 5 at 12 bits (the
        // first norm is the reference), 6 to 9 at 13, 10 at 14.
        var train = FashionTraining.Subset(FashionMnist.LoadTrain(), 640);
        var network = new FashionCnn();
        network.Parameters.Initialize(1);
        var options = new FashionOptions { Epochs = 1, Batch = 64, Seed = 1, Replicas = 2, Adaptive = new AdaptivePrecision(12, threshold: 1, interval: 4) };
        using var chips = ChipSet.Cpu(options.Chips);
        var run = new FashionTraining(network, train, chips, options);

        run.Run();

        var ledger = run.Trainer.Ledger;
        Assert.True(ledger.MatchesPlan, ledger.ToMarkdown());
        Assert.Equal(640, ledger.BackwardSamples);
        Assert.Equal("Truncated(12) → Truncated(14)", ledger.Cuts[0].Encodings.ToString());
        Assert.Equal(14, run.Trainer.Precision.Cut(0)!.Bits);
        Assert.Equal("Truncated(12) → Truncated(14)", ledger.Exchange.WeightEncodings.ToString());

        // The same bytes counted here from the shapes alone: the cut is 8 x 14 x 14 values a sample, each sample from a
        // byte boundary, both ways; each trainable tensor goes to replica 1 in the step's bits and its gradient comes
        // back in float32.
        int[] bitsOfStep = [12, 12, 12, 12, 12, 13, 13, 13, 13, 14];
        const long cutValues = 8 * 14 * 14;
        var cutBytes = bitsOfStep.Sum(bits => 64 * ((cutValues * bits + 7) / 8));
        Assert.Equal(cutBytes, ledger.Cuts[0].ForwardBytes);
        Assert.Equal(cutBytes, ledger.Cuts[0].BackwardBytes);
        var tensors = FashionCnn.Plan.Layers.SelectMany(l => l.Parameters.Where(p => p.Trainable)).Select(p => p.Elements).ToArray();
        Assert.Equal(bitsOfStep.Sum(bits => tensors.Sum(n => (n * bits + 7) / 8)), ledger.Exchange.WeightBytes);
        Assert.Equal(bitsOfStep.Length * tensors.Sum(n => 4 * n), ledger.Exchange.GradientBytes);
        Assert.Equal(2L * bitsOfStep.Length * tensors.Length, ledger.Exchange.Transfers);
        Assert.True(2 * ledger.Exchange.WeightBytes < ledger.Exchange.GradientBytes); // 12 to 14 bits against the gradients' 32
        Assert.True(ledger.TotalBytes < 0.7 * ledger.Float32Bytes, $"{ledger.TotalBytes} B measured, {ledger.Float32Bytes} B in Float32");
        Assert.All(run.BatchLosses, l => Assert.True(float.IsFinite(l)));
    }

    [FashionMnistFact]
    public void SameSeed_SameWeights()
    {
        var train = FashionTraining.Subset(FashionMnist.LoadTest(), 192);
        float[] Train()
        {
            var network = new FashionCnn();
            network.Parameters.Initialize(7);
            using var chips = ChipSet.Cpu(2);
            new FashionTraining(network, train, chips, new FashionOptions { Epochs = 2, Batch = 64, Seed = 7 }).Run();
            return network.Parameters.Tensors.SelectMany(t => network.Parameters[t.Name]).ToArray();
        }

        Assert.Equal(Train(), Train());
    }
}
