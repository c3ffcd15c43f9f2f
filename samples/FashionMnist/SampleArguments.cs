using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Sdk.Runtime.Data;
using Sdk.Runtime.Training;
using Sdk.Runtime.Weights;

namespace FashionMnistSample;

/// <summary>
/// The sample's command line, parsed and checked before anything runs (no console UI here, so tests run it in-process).
/// A bad value is a <see cref="UsageException"/> naming the option, the value and what is accepted.
/// </summary>
public sealed record SampleArguments
{
    public const int MaxEpochs = 1000;

    /// <summary>A batch larger than the training set is one short batch: 60000 is the largest that means anything.</summary>
    public const int MaxBatch = 60000;

    public const int MaxSteps = 1_000_000;

    public const double MaxLearningRate = 1.0;

    /// <summary>Replicas of the two chips (64 is 128 CPU chips, well inside <see cref="Sdk.Runtime.ChipSet.MaxChips"/>; a sample needs no more).</summary>
    public const int MaxReplicas = 64;

    public const string Usage =
        "usage: FashionMnist [--epochs N (4)] [--batch N (64)] [--subset N (all)] [--seed N (1)] [--lr X (0.002)] [--out DIR (fashion-out)]\n" +
        "                    [--resume CHECKPOINT] [--data DIR ($" + FashionMnist.DirectoryVariable + " or " + FashionMnist.DebianDirectory + ")]\n" +
        "                    [--replicas R (1)] [--adaptive BITS [--threshold X (1e-4)] [--interval N (30)]]   (data-parallel replicas; adaptive truncation of the cut and the exchanged weights)\n" +
        "       FashionMnist --throughput STEPS [--warmup N (20)] [--batch N] [--seed N]   (train STEPS timed steps, print images/s)\n" +
        "       FashionMnist --peer-check DIR [--warmup N (20)] [--batch N]               (weights and logits for benchmarks/training-peer)";

    public FashionOptions Options { get; init; } = new();

    public string OutDirectory { get; init; } = "fashion-out";

    /// <summary>A checkpoint to continue from (an existing file).</summary>
    public string? Resume { get; init; }

    /// <summary>Where the Fashion-MNIST files are (null: <see cref="FashionMnist.Locate"/>'s default).</summary>
    public string? DataDirectory { get; init; }

    /// <summary><c>--throughput STEPS</c>: only time training steps.</summary>
    public int? ThroughputSteps { get; init; }

    public int Warmup { get; init; } = 20;

    /// <summary><c>--peer-check DIR</c>: only write the files of benchmarks/training-peer's architecture check.</summary>
    public string? PeerCheck { get; init; }

    /// <summary><c>--help</c>: print <see cref="Usage"/> and stop.</summary>
    public bool Help { get; init; }

    /// <summary>Parses the command line.</summary>
    /// <exception cref="UsageException">An unknown option, a missing value, or a value out of range.</exception>
    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new SampleArguments();
        int? adaptiveBits = null, interval = null;
        double? threshold = null;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            string Value(string expected) =>
                i + 1 < args.Count ? args[++i] : throw new UsageException(option, null, $"{option} needs a value: {expected}.");

            int Integer(int min, int max)
            {
                var expected = $"an integer in [{min}, {max}]";
                var text = Value(expected);
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new UsageException(option, text, $"{option}: '{text}' is not {expected}.");
            }

            switch (option)
            {
                case "--epochs": parsed = parsed with { Options = parsed.Options with { Epochs = Integer(1, MaxEpochs) } }; break;
                case "--batch": parsed = parsed with { Options = parsed.Options with { Batch = Integer(1, MaxBatch) } }; break;
                case "--subset": parsed = parsed with { Options = parsed.Options with { Subset = Integer(1, int.MaxValue) } }; break;
                case "--seed": parsed = parsed with { Options = parsed.Options with { Seed = Integer(0, int.MaxValue) } }; break;
                case "--lr": parsed = parsed with { Options = parsed.Options with { LearningRate = LearningRate(option, Value(LearningRateRange)) } }; break;
                case "--out": parsed = parsed with { OutDirectory = OutputDirectory(option, Value("a directory to write to")) }; break;
                case "--resume": parsed = parsed with { Resume = ExistingFile(option, Value("a checkpoint file")) }; break;
                case "--data": parsed = parsed with { DataDirectory = ExistingDirectory(option, Value("the directory of the Fashion-MNIST files")) }; break;
                case "--replicas": parsed = parsed with { Options = parsed.Options with { Replicas = Integer(1, MaxReplicas) } }; break;
                case "--adaptive": adaptiveBits = Integer(1, Sdk.Compiler.WireEncoding.MaxBits); break;
                case "--threshold": threshold = Threshold(option, Value(ThresholdRange)); break;
                case "--interval": interval = Integer(1, MaxSteps); break;
                case "--throughput": parsed = parsed with { ThroughputSteps = Integer(1, MaxSteps) }; break;
                case "--warmup": parsed = parsed with { Warmup = Integer(0, MaxSteps) }; break;
                case "--peer-check": parsed = parsed with { PeerCheck = OutputDirectory(option, Value("a directory to write to")) }; break;
                case "--help" or "-h": parsed = parsed with { Help = true }; break;
                default:
                    throw new UsageException(option, null, option.StartsWith('-') ? $"unknown option '{option}'." : $"unexpected argument '{option}' (options start with --).");
            }
        }

        if (adaptiveBits is null && (threshold ?? interval) is not null)
        {
            var option = threshold is null ? "--interval" : "--threshold";
            throw new UsageException(option, null, $"{option} sets the adaptive policy: give --adaptive BITS too.");
        }

        return adaptiveBits is int bits
            ? parsed with { Options = parsed.Options with { Adaptive = new AdaptivePrecision(bits, threshold ?? 1e-4, interval ?? 30) } }
            : parsed;
    }

    /// <summary>The training images (the first <see cref="FashionOptions.Subset"/> when set).</summary>
    /// <exception cref="FileNotFoundException">The files are not in the data directory.</exception>
    /// <exception cref="DatasetFormatException">A file is malformed, truncated, or holds a label outside 0..9.</exception>
    public ImageDataset LoadTrain()
    {
        var train = FashionMnist.LoadTrain(DataDirectory);
        return Options.Subset is int n ? FashionTraining.Subset(train, n) : train;
    }

    /// <summary>The 10000 test images.</summary>
    /// <exception cref="FileNotFoundException">The files are not in the data directory.</exception>
    /// <exception cref="DatasetFormatException">A file is malformed, truncated, or holds a label outside 0..9.</exception>
    public ImageDataset LoadTest() => FashionMnist.LoadTest(DataDirectory);

    private const string LearningRateRange = "a learning rate in (0, 1], such as 0.002";

    private const string ThresholdRange = "a relative change in (0, 1], such as 1e-4";

    private static double Threshold(string option, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0 && value <= 1
            ? value
            : throw new UsageException(option, text, $"{option}: '{text}' is not {ThresholdRange}.");

    private static double LearningRate(string option, string text)
    {
        // double.TryParse reads "NaN" and "Infinity" too: finiteness is checked, not assumed.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && double.IsFinite(rate) && rate > 0 && rate <= MaxLearningRate
            ? rate
            : throw new UsageException(option, text, $"{option}: '{text}' is not {LearningRateRange}.");
    }

    private static string ExistingFile(string option, string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException(option, path, $"{option}: '{path}' is a directory, not a file.");
        }

        return File.Exists(path) ? path : throw new UsageException(option, path, $"{option}: '{path}' does not exist.");
    }

    private static string ExistingDirectory(string option, string path) =>
        Directory.Exists(path) ? path : throw new UsageException(option, path, $"{option}: '{path}' is not a directory.");

    private static string OutputDirectory(string option, string path)
    {
        if (path.Length == 0)
        {
            throw new UsageException(option, path, $"{option}: '' is not a directory name.");
        }

        return File.Exists(path) ? throw new UsageException(option, path, $"{option}: '{path}' is a file, not a directory.") : path;
    }
}

/// <summary>A bad command line: the option, the value (null when missing), and a one-line message naming both.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string option, string? value, string message)
        : base(message)
    {
        Option = option;
        Value = value;
    }

    public string Option { get; }

    public string? Value { get; }
}

/// <summary>
/// Runs the sample's body with the command-line contract: exit 2 and one line on a bad argument, exit 1 and one
/// line (no stack trace) when the data, a checkpoint or the file system fails, else the body's exit code.
/// Anything else is a bug and is left to crash with its stack trace.
/// </summary>
public static class SampleRunner
{
    public const int Failed = 1;

    public const int BadArguments = 2;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<SampleArguments, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        SampleArguments arguments;
        try
        {
            arguments = SampleArguments.Parse(args);
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {OneLine(e.Message)} (see --help)");
            return BadArguments;
        }

        if (arguments.Help)
        {
            output.WriteLine(SampleArguments.Usage);
            return 0;
        }

        try
        {
            return body(arguments);
        }
        catch (Exception e) when (IsRunFailure(e))
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
            return Failed;
        }
    }

    /// <summary>The failures that are the input's or the machine's, not the program's: reported in one line.</summary>
    public static bool IsRunFailure(Exception e) =>
        e is DatasetFormatException or CheckpointException or WeightsFormatException or IOException or UnauthorizedAccessException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
