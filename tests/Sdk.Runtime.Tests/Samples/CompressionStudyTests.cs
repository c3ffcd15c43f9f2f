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

    /// <summary>The format study in a tiny version: the unsplit network, its cut in Truncated(12) and adaptive from 12 bits, and two replicas exchanging weights in Truncated(12).</summary>
    private static readonly StudyOptions TinyFormats = Tiny with
    {
        Ratios = [1],
        FormatStudy = new FormatAxis { Formats = ["Truncated:12", "Adaptive:12:0.001:30"], Exchange = ["Truncated:12"], Seeds = [1], Networks = ["FashionCnn"], Replicas = 2 },
    };

    /// <summary>FashionCnn's trainable tensors, in values (Conv1, Bn1 scale and shift, Conv2, Bn2, Fc1 weights and bias, Logits weights and bias).</summary>
    private static readonly long[] FashionCnnTrainable = [32 * 9, 32, 32, 64 * 32 * 9, 64, 64, 3136 * 128, 128, 128 * 10, 10];

    [FashionMnistFact]
    public void TinyFormatStudy_BytesEqualAnIndependentCount_PlotsDecode_AndAResumeRedoesNothing()
    {
        using var directory = new TempDirectory();
        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();
        var path = directory.File("results.json");
        var results = StudyResults.Open(path, TinyFormats);

        new StudyRunner(results, train, test, directory.Path).Run(new Recorder());

        Assert.Equal(
            ["FashionCnn/early/Trained/r1/seed1", "FashionCnn/early/Format/Truncated:12/r1/seed1", "FashionCnn/early/Format/Adaptive:12:0.001:30/r1/seed1", "FashionCnn/early/Exchange/Truncated:12/r1/seed1"],
            results.Rows.Select(r => r.Key));
        var (unsplit, truncated, adaptive, exchange) = (results.Rows[0], results.Rows[1], results.Rows[2], results.Rows[3]);
        Assert.All(results.Rows, r => Assert.True(r.LedgersMatchPlan, r.Key));
        const long steps = (1000 + 63) / 64; // one epoch of 1000 images in batches of 64

        // The cut tensor is 32 x 14 x 14 = 6272 values: 12 bits each, bit-packed per sample, is 9408 bytes.
        const long values = 32 * 14 * 14, twelveBits = (values * 12 + 7) / 8;
        Assert.Equal(9408, twelveBits);
        Assert.Equal((twelveBits, twelveBits), (truncated.ForwardBytesPerSample, truncated.BackwardBytesPerSample));
        Assert.Equal(1000 * twelveBits, truncated.TrainingForwardBytes);
        Assert.Equal(1000 * 2 * twelveBits, truncated.MeasuredTrainingBytes);
        Assert.Equal(500 * twelveBits, truncated.MeasuredEvaluationBytes);
        Assert.Equal(1000 * 2 * values * 4, truncated.Float32Bytes);
        Assert.Equal("Truncated(12)", truncated.CutEncodings);

        // Adaptive from 12 bits with a 30-step interval cannot add a bit in 16 steps: every transfer is 12 bits.
        Assert.Equal(steps, adaptive.Steps);
        Assert.Equal("Truncated(12)", adaptive.CutEncodings);
        Assert.Equal(1000 * twelveBits, adaptive.TrainingForwardBytes);
        Assert.Equal(twelveBits, adaptive.MeasuredForwardBytesPerSample);
        Assert.Equal(twelveBits, adaptive.ForwardBytesPerSample); // evaluated at the bits training ended at

        // Two replicas: each step the weights go to replica 1 in Truncated(12), its gradients come back in Float32.
        Assert.Equal(2, exchange.Replicas);
        Assert.Equal(steps, exchange.Steps);
        Assert.Equal(steps * FashionCnnTrainable.Sum(n => (n * 12 + 7) / 8), exchange.ExchangeWeightBytes);
        Assert.Equal(steps * FashionCnnTrainable.Sum(n => 4 * n), exchange.ExchangeGradientBytes);
        Assert.Equal(25088, exchange.ForwardBytesPerSample); // the cut stays Float32
        Assert.Equal(1000 * 2 * 25088L, exchange.MeasuredTrainingBytes);
        Assert.Equal("Truncated(12)", exchange.WeightEncodings);
        Assert.True(unsplit.TestAccuracy > 0.5 && truncated.TestAccuracy > 0.5 && adaptive.TestAccuracy > 0.5 && exchange.TestAccuracy > 0.5,
            $"accuracies {unsplit.TestAccuracy}, {truncated.TestAccuracy}, {adaptive.TestAccuracy}, {exchange.TestAccuracy}");

        var plots = StudyPlots.Write(results.Rows, directory.Path);
        Assert.Equal(["accuracy-FashionCnn.png", "exchange-FashionCnn.png"], plots);
        foreach (var plot in plots)
        {
            using var image = SkiaSharp.SKBitmap.Decode(File.ReadAllBytes(directory.File(plot)));
            Assert.Equal((StudyPlots.Width, StudyPlots.Height), (image.Width, image.Height));
            Assert.True(image.Pixels.Distinct().Count() > 10, $"{plot} is blank");
        }

        var report = StudyReport.Markdown(TinyFormats, results.Rows, plots);
        Assert.Contains("### FashionCnn, early cut: formats", report);
        Assert.Contains("| Truncated(12) | 9408 |", report);
        Assert.Contains("### FashionCnn: weight exchange, R = 2 replicas", report);
        Assert.Contains("![exchange-FashionCnn.png](exchange-FashionCnn.png)", report);

        var written = File.ReadAllBytes(path);
        var again = new Recorder();
        new StudyRunner(StudyResults.Open(path, TinyFormats), train, test, directory.Path).Run(again);
        Assert.Empty(again.Started);
        Assert.Equal(written, File.ReadAllBytes(path));
    }

    [Fact]
    public void AFileWithoutTheFormatStudy_ResumesWithItAdded_ButNotTheOtherWayRound()
    {
        using var directory = new TempDirectory();
        var path = Written(directory);
        var withFormats = Tiny with { FormatStudy = new FormatAxis { Formats = ["Int8"], Exchange = [], Seeds = [1] } };
        var before = File.ReadAllBytes(path);

        var resumed = StudyResults.Open(path, withFormats);

        Assert.Equal(["FashionCnn/early/Trained/r1/seed1"], resumed.Rows.Select(r => r.Key));
        Assert.Equal(before, File.ReadAllBytes(path)); // rewritten only when a row finishes
        resumed.Add(resumed.Rows[0] with { Key = "FashionCnn/early/Format/Int8/r1/seed1", Method = StudyMethod.Format, Wire = "Int8" });
        Assert.Equal(2, StudyResults.Open(path, withFormats).Rows.Count);
        Assert.Contains("it was made with other options", Assert.Throws<StudyResultsException>(() => StudyResults.Open(path, Tiny)).Message);
        Assert.Contains("it was made with other options", Assert.Throws<StudyResultsException>(
            () => StudyResults.Open(path, Tiny with { FormatStudy = withFormats.FormatStudy! with { Formats = ["Float16"] } })).Message);
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
    [InlineData(new[] { "--formats", "Truncated:40" }, "format 'Truncated:40'")]
    [InlineData(new[] { "--exchange", "Float64" }, "format 'Float64' is none of")]
    [InlineData(new[] { "--formats", "Int8", "--replicas", "1" }, "--replicas: 2 to 8")]
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
