using System;
using System.IO;
using System.Linq;
using FashionMnistSample;
using Sdk.Runtime.Data;
using Sdk.Runtime.Tests.Data;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Samples;

/// <summary>
/// samples/FashionMnist's command line in-process: every bad argument is one line naming the option and the value, exit
/// code 2; bad data or a bad checkpoint one line without a stack trace, exit code 1.
/// </summary>
public sealed class FashionSampleCommandLineTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed record Outcome(int ExitCode, string Output, string Error, bool BodyRan);

    private static Outcome Run(string[] args, Func<SampleArguments, int>? body = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var ran = false;
        var code = SampleRunner.Run(args, output, error, a =>
        {
            ran = true;
            return body?.Invoke(a) ?? 0;
        });
        return new Outcome(code, output.ToString(), error.ToString(), ran);
    }

    private static void BadArgument(string[] args, string expected)
    {
        var outcome = Run(args);
        Assert.Equal(SampleRunner.BadArguments, outcome.ExitCode);
        Assert.False(outcome.BodyRan);
        Assert.Equal("", outcome.Output);
        var line = Assert.Single(outcome.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {expected} (see --help)", line);
    }

    [Theory]
    [InlineData("abc", "--lr: 'abc' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("NaN", "--lr: 'NaN' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("Infinity", "--lr: 'Infinity' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("-Infinity", "--lr: '-Infinity' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("-0.001", "--lr: '-0.001' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("0", "--lr: '0' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("1.5", "--lr: '1.5' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("1e400", "--lr: '1e400' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("0,002", "--lr: '0,002' is not a learning rate in (0, 1], such as 0.002.")]
    [InlineData("", "--lr: '' is not a learning rate in (0, 1], such as 0.002.")]
    public void A_bad_learning_rate(string value, string expected) => BadArgument(["--lr", value], expected);

    [Theory]
    [InlineData("x", "--seed: 'x' is not an integer in [0, 2147483647].")]
    [InlineData("-1", "--seed: '-1' is not an integer in [0, 2147483647].")]
    [InlineData("1.5", "--seed: '1.5' is not an integer in [0, 2147483647].")]
    [InlineData("NaN", "--seed: 'NaN' is not an integer in [0, 2147483647].")]
    [InlineData("Infinity", "--seed: 'Infinity' is not an integer in [0, 2147483647].")]
    [InlineData("2147483648", "--seed: '2147483648' is not an integer in [0, 2147483647].")]
    [InlineData(" 7", "--seed: ' 7' is not an integer in [0, 2147483647].")]
    public void A_bad_seed(string value, string expected) => BadArgument(["--seed", value], expected);

    [Theory]
    [InlineData("--epochs", "0", "--epochs: '0' is not an integer in [1, 1000].")]
    [InlineData("--epochs", "1001", "--epochs: '1001' is not an integer in [1, 1000].")]
    [InlineData("--batch", "-64", "--batch: '-64' is not an integer in [1, 60000].")]
    [InlineData("--batch", "2147483647", "--batch: '2147483647' is not an integer in [1, 60000].")]
    [InlineData("--subset", "0", "--subset: '0' is not an integer in [1, 2147483647].")]
    [InlineData("--throughput", "many", "--throughput: 'many' is not an integer in [1, 1000000].")]
    [InlineData("--warmup", "-1", "--warmup: '-1' is not an integer in [0, 1000000].")]
    public void A_bad_count(string option, string value, string expected) => BadArgument([option, value], expected);

    [Theory]
    [InlineData("--lr", "--lr needs a value: a learning rate in (0, 1], such as 0.002.")]
    [InlineData("--seed", "--seed needs a value: an integer in [0, 2147483647].")]
    [InlineData("--resume", "--resume needs a value: a checkpoint file.")]
    public void A_missing_value(string option, string expected) => BadArgument(["--epochs", "1", option], expected);

    [Theory]
    [InlineData(new[] { "--replicas", "0" }, "--replicas: '0' is not an integer in [1, 64].")]
    [InlineData(new[] { "--adaptive", "33" }, "--adaptive: '33' is not an integer in [1, 32].")]
    [InlineData(new[] { "--adaptive", "12", "--threshold", "2" }, "--threshold: '2' is not a relative change in (0, 1], such as 1e-4.")]
    [InlineData(new[] { "--adaptive", "12", "--threshold", "NaN" }, "--threshold: 'NaN' is not a relative change in (0, 1], such as 1e-4.")]
    [InlineData(new[] { "--interval", "5" }, "--interval sets the adaptive policy: give --adaptive BITS too.")]
    [InlineData(new[] { "--threshold", "1e-3" }, "--threshold sets the adaptive policy: give --adaptive BITS too.")]
    public void Bad_replicas_or_adaptive_precision(string[] args, string expected) => BadArgument(args, expected);

    [Fact]
    public void Replicas_and_adaptive_precision_reach_the_options()
    {
        var options = SampleArguments.Parse(["--replicas", "2", "--adaptive", "12", "--interval", "10", "--threshold", "1e-3"]).Options;
        Assert.Equal(new FashionOptions { Replicas = 2, Adaptive = new AdaptivePrecision(12, 1e-3, 10) }, options);
        Assert.Equal(4, options.Chips);
        Assert.Equal(new AdaptivePrecision(9), SampleArguments.Parse(["--adaptive", "9"]).Options.Adaptive); // the paper's 1e-4 and 30
    }

    [Fact]
    public void An_option_where_a_value_belongs() =>
        BadArgument(["--lr", "--seed", "3"], "--lr: '--seed' is not a learning rate in (0, 1], such as 0.002.");

    [Fact]
    public void Unknown_options_and_stray_arguments()
    {
        BadArgument(["--epoch", "2"], "unknown option '--epoch'.");
        BadArgument(["4"], "unexpected argument '4' (options start with --).");
    }

    [Fact]
    public void A_directory_or_a_missing_file_given_to_resume()
    {
        BadArgument(["--resume", _temp.Path], $"--resume: '{_temp.Path}' is a directory, not a file.");
        var missing = _temp.File("missing.safetensors");
        BadArgument(["--resume", missing], $"--resume: '{missing}' does not exist.");
    }

    [Fact]
    public void A_file_given_as_an_output_directory_or_a_missing_data_directory()
    {
        var file = _temp.File("taken");
        File.WriteAllText(file, "");
        BadArgument(["--out", file], $"--out: '{file}' is a file, not a directory.");
        BadArgument(["--peer-check", file], $"--peer-check: '{file}' is a file, not a directory.");
        BadArgument(["--data", file], $"--data: '{file}' is not a directory.");
    }

    [Fact]
    public void Good_arguments_reach_the_body()
    {
        var checkpoint = _temp.File("c.safetensors");
        File.WriteAllText(checkpoint, "");
        SampleArguments? seen = null;
        var outcome = Run(
            ["--epochs", "2", "--batch", "32", "--subset", "500", "--seed", "0", "--lr", "1e-3", "--out", _temp.File("out"), "--resume", checkpoint, "--data", _temp.Path],
            a =>
            {
                seen = a;
                return 0;
            });

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.NotNull(seen);
        Assert.Equal(new FashionOptions { Epochs = 2, Batch = 32, Subset = 500, Seed = 0, LearningRate = 1e-3 }, seen.Options);
        Assert.Equal((_temp.File("out"), checkpoint, _temp.Path), (seen.OutDirectory, seen.Resume, seen.DataDirectory));
        Assert.Null(seen.ThroughputSteps);

        var defaults = SampleArguments.Parse([]);
        Assert.Equal(new FashionOptions(), defaults.Options);
        Assert.Equal(("fashion-out", 20), (defaults.OutDirectory, defaults.Warmup));
        Assert.Equal((100, 0), (SampleArguments.Parse(["--throughput", "100", "--warmup", "0"]).ThroughputSteps, SampleArguments.Parse(["--warmup", "0"]).Warmup));
    }

    [Fact]
    public void Help_prints_the_usage_and_runs_nothing()
    {
        var outcome = Run(["--help"]);
        Assert.Equal(0, outcome.ExitCode);
        Assert.False(outcome.BodyRan);
        Assert.StartsWith("usage: FashionMnist", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("--data DIR", outcome.Output, StringComparison.Ordinal);
    }

    private static void Failure(Outcome outcome, string expected)
    {
        Assert.Equal(SampleRunner.Failed, outcome.ExitCode);
        var line = Assert.Single(outcome.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal); // no stack trace
    }

    private void WriteSet(int trainCount, byte[]? trainLabels = null)
    {
        HandMadeIdx.WriteSet(_temp.Path, "train", trainCount, 28, gzip: false, trainLabels);
        HandMadeIdx.WriteSet(_temp.Path, "t10k", 3, 28, gzip: true);
    }

    private Outcome LoadData(params string[] extra) =>
        Run(["--data", _temp.Path, .. extra], a =>
        {
            var train = a.LoadTrain();
            var test = a.LoadTest();
            return train.Count + test.Count == 0 ? 3 : 0;
        });

    [Fact]
    public void The_data_loads_from_the_data_directory_with_the_subset()
    {
        WriteSet(5);
        SampleArguments? seen = null;
        Assert.Equal(0, Run(["--data", _temp.Path, "--subset", "2"], a => { seen = a; return 0; }).ExitCode);
        Assert.Equal(2, seen!.LoadTrain().Count);
        Assert.Equal(3, seen.LoadTest().Count);
        Assert.Equal(0, LoadData().ExitCode);
    }

    [Fact]
    public void A_truncated_data_file_is_one_line_and_exit_code_1()
    {
        WriteSet(5);
        var images = _temp.File("train-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..2000]);
        Failure(LoadData(), $"Invalid dataset file '{images}': the data is truncated: the header [5, 28, 28] needs 3920 bytes, the file has 1984.");
    }

    [Fact]
    public void A_label_outside_the_classes_is_one_line_and_exit_code_1()
    {
        WriteSet(5, [0, 1, 2, 11, 4]);
        Failure(LoadData(), $"Invalid dataset file '{_temp.File("train-labels-idx1-ubyte")}': the label of sample 3 is 11, outside the 10 classes [0, 10).");
    }

    [Fact]
    public void Missing_data_files_are_one_line_and_exit_code_1()
    {
        Failure(LoadData(), "Fashion-MNIST files not found in");
    }

    [Fact]
    public void A_corrupt_checkpoint_is_one_line_and_exit_code_1()
    {
        var path = _temp.File("broken.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var outcome = Run(["--resume", path], a =>
        {
            var network = new FashionCnn();
            using var chips = ChipSet.Cpu(2);
            using var trainer = Trainer.Create(network, chips);
            trainer.LoadCheckpoint(a.Resume!);
            return 0;
        });
        Failure(outcome, $"Checkpoint '{path}' cannot be loaded: Invalid safetensors file '{path}': the file has 3 bytes, fewer than the 8-byte header length.");
    }

    [Fact]
    public void Only_input_and_machine_failures_are_caught()
    {
        Assert.True(SampleRunner.IsRunFailure(new DatasetFormatException("f", "p")));
        Assert.True(SampleRunner.IsRunFailure(new FileNotFoundException("m")));
        Assert.True(SampleRunner.IsRunFailure(new UnauthorizedAccessException("m")));
        Assert.False(SampleRunner.IsRunFailure(new NullReferenceException()));
        Assert.Throws<InvalidOperationException>(() => Run([], _ => throw new InvalidOperationException("a bug")));
    }
}
