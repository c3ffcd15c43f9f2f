using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CompressionStudy;
using Sdk.Runtime.Data;
using Sdk.Runtime.Tests.Data;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Samples;

/// <summary>
/// samples/CompressionStudy in a tiny version (FashionCnn at its early cut, 1000 training images, one epoch, three
/// configurations: the unsplit network, PCA at 1/4, PCA at 1/4 + one epoch), and its results file.
/// </summary>
public sealed class CompressionStudyTests
{
    private static readonly StudyOptions Tiny = new()
    {
        Seeds = [1],
        Epochs = 1,
        TrainSamples = 1000,
        TestSamples = 500,
        CalibrationSamples = 500,
        Networks = ["FashionCnn"],
        Cuts = ["early"],
        Ratios = [1, 4],
        Methods = [StudyMethod.Pca, StudyMethod.PcaFineTuned],
    };

    [FashionMnistFact]
    public void TinyStudy_LossFalls_BytesEqualThePlan_PlotsDecode_AndAResumeRedoesNothing()
    {
        using var directory = new TempDirectory();
        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();
        var path = directory.File("results.json");
        var results = StudyResults.Open(path, Tiny);

        new StudyRunner(results, train, test, directory.Path).Run(new Recorder());

        Assert.Equal(["FashionCnn/early/Trained/r1/seed1", "FashionCnn/early/Pca/r4/seed1", "FashionCnn/early/PcaFineTuned/r4/seed1"], results.Rows.Select(r => r.Key));
        foreach (var row in results.Rows)
        {
            var plan = StudyNetwork.Named(row.Network).Variant(row.Cut, row.Ratio);
            Assert.Equal(plan.ForwardBytesPerSample, row.ForwardBytesPerSample);
            Assert.Equal(plan.BackwardBytesPerSample, row.BackwardBytesPerSample);
            Assert.Equal(500 * plan.ForwardBytesPerSample, row.MeasuredEvaluationBytes);
            Assert.Equal(row.TrainingSamples * (plan.ForwardBytesPerSample + plan.BackwardBytesPerSample), row.MeasuredTrainingBytes);
            Assert.True(row.LedgersMatchPlan);
        }

        var (unsplit, pca, tuned) = (results.Rows[0], results.Rows[1], results.Rows[2]);
        Assert.Equal(25088, unsplit.ForwardBytesPerSample); // 32 x 14 x 14 float32
        Assert.Equal(6272, pca.ForwardBytesPerSample);      // 8 x 14 x 14 at 1/4
        Assert.Equal((1000, 0, 1000), (unsplit.TrainingSamples, pca.TrainingSamples, tuned.TrainingSamples));
        Assert.True(unsplit.LastLoss < 0.8 * unsplit.FirstLoss, $"loss did not fall: {unsplit.FirstLoss:0.000} -> {unsplit.LastLoss:0.000}");
        Assert.InRange(pca.ExplainedVariance!.Value, 0.5, 1);
        Assert.True(unsplit.TestAccuracy > 0.5 && pca.TestAccuracy > 0.3, $"accuracies {unsplit.TestAccuracy}, {pca.TestAccuracy}");

        var plots = StudyPlots.Write(results.Rows, directory.Path);
        var plot = Assert.Single(plots);
        var bytes = File.ReadAllBytes(directory.File(plot));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        using (var image = SkiaSharp.SKBitmap.Decode(bytes))
        {
            Assert.Equal((StudyPlots.Width, StudyPlots.Height), (image.Width, image.Height));
            Assert.True(image.Pixels.Distinct().Count() > 10, "the plot is blank");
        }

        var report = StudyReport.Markdown(Tiny, results.Rows, plots);
        Assert.Contains("| FashionCnn | early |", report);
        Assert.Contains("![accuracy-FashionCnn.png](accuracy-FashionCnn.png)", report);

        // A rerun with the same options finds every configuration done: it trains, calibrates and writes nothing.
        var written = File.ReadAllBytes(path);
        var again = new Recorder();
        new StudyRunner(StudyResults.Open(path, Tiny), train, test, directory.Path).Run(again);
        Assert.Empty(again.Started);
        Assert.Equal([true, true, true], again.Skipped);
        Assert.Equal(written, File.ReadAllBytes(path));
    }

    [Fact]
    public void AChangedValue_IsRefusedAsCorrupt_NamingTheFile()
    {
        using var directory = new TempDirectory();
        var path = Written(directory);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"test_accuracy\": 0.5", "\"test_accuracy\": 0.9", StringComparison.Ordinal));

        var error = Assert.Throws<StudyResultsException>(() => StudyResults.Open(path, Tiny));

        Assert.Equal(path, error.FilePath);
        Assert.Contains($"Results file '{path}' cannot be used: it is corrupt: the SHA-256", error.Message);
    }

    [Theory]
    [InlineData("{ \"format\": ", "it is not a results file")]
    [InlineData("[1, 2]", "it is not a results file")]
    [InlineData("{ \"format\": \"sdk-compression-study\", \"version\": 1 }", "missing required properties")]
    public void AFileThatIsNotAResultsFile_IsRefused_SayingWhy(string content, string problem)
    {
        using var directory = new TempDirectory();
        var path = directory.File("results.json");
        File.WriteAllText(path, content);

        var error = Assert.Throws<StudyResultsException>(() => StudyResults.Open(path, Tiny));

        Assert.StartsWith($"Results file '{path}' cannot be used: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void OtherOptions_AreRefused_NotMixed()
    {
        using var directory = new TempDirectory();
        var path = Written(directory);

        var error = Assert.Throws<StudyResultsException>(() => StudyResults.Open(path, Tiny with { Epochs = 2 }));

        Assert.Contains("it was made with other options", error.Message);
        Assert.Contains("\"epochs\":1", error.Message);
    }

    [Theory]
    [InlineData(new[] { "--epochs", "0" }, "--epochs must be at least 1")]
    [InlineData(new[] { "--ratios", "2,4" }, "the ratios start with 1")]
    [InlineData(new[] { "--networks", "LeNet" }, "--networks takes names among FashionCnn, StudyResNet")]
    [InlineData(new[] { "--seeds", "x" }, "--seeds x: not a number")]
    [InlineData(new[] { "--speed" , "1" }, "unknown option --speed")]
    [InlineData(new[] { "--out" }, "--out needs a value")]
    public void BadArguments_AreOneLine_NamingTheOption(string[] args, string expected)
    {
        var (arguments, error) = StudyArguments.Parse(args);

        Assert.Null(arguments);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TheHeadline_NamesTheNarrowestPlan_NotARatioThatRepeatsIt()
    {
        // C = 8: r = 8 crosses one channel and r = 16 is that plan again (SameAs 8), with the same accuracy.
        StudyResult Row(int ratio, int width, int? sameAs, double accuracy) => new(
            $"StudyResNet/early/Trained/r{ratio}/seed1", "StudyResNet", "early", StudyMethod.Trained, ratio, 1, 8, width, sameAs, 2, accuracy,
            3136L * width, 3136L * width, 1, 1, 1, 1, 1, true, 1, 2, 1, null, null);
        var rows = StudySummary.Of([Row(1, 8, null, 0.80), Row(2, 4, null, 0.80), Row(4, 2, null, 0.795), Row(8, 1, null, 0.794), Row(16, 1, 8, 0.794)]);

        var headline = Assert.Single(StudySummary.Headlines(rows));

        Assert.Equal(8, headline.LargestRatio);
        Assert.Equal(0.794, headline.Accuracy);
    }

    /// <summary>A results file holding one made-up row with test accuracy 0.5.</summary>
    private static string Written(TempDirectory directory)
    {
        var path = directory.File("results.json");
        var results = StudyResults.Open(path, Tiny);
        results.Add(new StudyResult(
            "FashionCnn/early/Trained/r1/seed1", "FashionCnn", "early", StudyMethod.Trained, 1, 1, 32, 32, null, 1, 0.5,
            25088, 25088, 104.4, 1000, 50176000, 500, 12544000, true, 2.5, 2.3, 0.6, null, null));
        return path;
    }

    private sealed class Recorder : IStudyProgress
    {
        public List<StudyConfiguration> Started { get; } = new();

        public List<bool> Skipped { get; } = new();

        void IStudyProgress.Started(StudyConfiguration configuration, int batches) => Started.Add(configuration);

        void IStudyProgress.Finished(StudyResult result, bool skipped) => Skipped.Add(skipped);
    }
}
