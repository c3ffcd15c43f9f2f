using System.Linq;
using LcpStudy;
using Sdk.Runtime.Data;
using Sdk.Runtime.Tests.Data;

namespace Sdk.Runtime.Tests.Samples;

/// <summary>
/// The CI version of samples/LcpStudy, in-process: every variant trained briefly from one seed, evaluated, measured.
/// Traffic against arithmetic written here; the ledgers measure what the plans predict.
/// </summary>
public sealed class LcpStudyTests
{
    [FashionMnistFact]
    public void TinyStudy_TrafficIsTheArithmetic_AndTheLedgersAgree()
    {
        var options = new StudyOptions { TrainImages = 256, TestImages = 200, Epochs = 1, Seeds = new[] { 1 }, ThroughputSamples = 64 };
        var train = Subset(FashionMnist.LoadTrain(), options.TrainImages);
        var test = Subset(FashionMnist.LoadTest(), options.TestImages);

        var results = Study.Variants.Select(v => Study.Run(v, train, test, options)).ToList();

        // Forward bytes per sample. Layer-wise: 16 x 14 x 14 floats after block 1 (and, over 4 chips, 32 x 7 x 7
        // after block 2 and 64 x 4 x 4 after block 3); their gradients come back in training. LCP: the 28 x 28
        // input to each other branch chip (forward only), and each other branch's pooled features: 90 / 2 = 45
        // floats, or 128 / 4 = 32.
        long[] forward = { 16 * 14 * 14 * 4, (16 * 14 * 14 * 4) + (32 * 7 * 7 * 4) + (64 * 4 * 4 * 4), (28 * 28 * 4) + (45 * 4), 3 * ((28 * 28 * 4) + (32 * 4)) };
        long[] training = { 2 * forward[0], 2 * forward[1], forward[2] + (45 * 4), forward[3] + (3 * 32 * 4) };
        Assert.Equal(forward, results.Select(r => r.ForwardBytesPerSample));
        Assert.Equal(training, results.Select(r => r.TrainingBytesPerSample));
        Assert.All(results, r => Assert.True(r.LedgersMatchPlan, $"{r.Name}: measured traffic differs from the plan"));
        Assert.All(results, r => Assert.Equal(r.TrainingBytesPerSample, r.MeasuredTrainingBytesPerSample));

        // The same parameter budget within 2 %; the same network on 2 or 4 chips learns the same weights.
        Assert.All(results, r => Assert.InRange((double)r.Parameters / results[0].Parameters, 0.98, 1.02));
        Assert.Equal(results[0].Accuracies, results[1].Accuracies);
        Assert.All(results, r => Assert.InRange(r.MeanAccuracy, 0.0, 1.0));
        Assert.All(results, r => Assert.True(r.MeasuredSamplesPerSecond > 0 && r.ModelledSamplesPerSecond > 0));

        var markdown = Study.Markdown(results, options, "dotnet run -c Release --project samples/LcpStudy");
        Assert.Equal(4, markdown.Split('\n').Count(l => l.StartsWith("| layer-wise", System.StringComparison.Ordinal) || l.StartsWith("| LCP", System.StringComparison.Ordinal)));
    }

    private static ImageDataset Subset(ImageDataset data, int count) =>
        new(count, data.Height, data.Width, data.Images[..(count * data.SampleSize)], data.Labels[..count]);
}
