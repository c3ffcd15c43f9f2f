// Branches (LCP) against layer-wise splits of one residual network on Fashion-MNIST: traffic per sample (forward
// and training), throughput (modelled, and measured pipelined over links emulated at their declared bandwidth) and
// test accuracy over seeds. Prints a Markdown table; --out writes it to a file too.
//
//   dotnet run -c Release --project samples/LcpStudy -- --out docs/lcp-study.md          (the defaults: 10,000 / 10,000 images)
//   docs/compression.md says which sizes the committed docs/lcp-study.md was run with, and the command.
//   dotnet run -c Release --project samples/LcpStudy -- --train 512 --test 500 --epochs 1 --seeds 1   (a quick look)
//
// Needs the Debian package dataset-fashion-mnist (or --data DIR). Exit codes: 0 done, 1 a run failure (data files,
// or measured traffic different from the plan), 2 a bad argument.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using LcpStudy;
using Sdk.Runtime.Data;

StudyOptions options;
string? output = null, data = null;
try
{
    (options, output, data) = Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"lcp-study: {e.Message}");
    return 2;
}

ImageDataset train, test;
try
{
    train = Subset(FashionMnist.LoadTrain(data), options.TrainImages);
    test = Subset(FashionMnist.LoadTest(data), options.TestImages);
}
catch (Exception e) when (e is IOException or DatasetFormatException)
{
    Console.Error.WriteLine($"lcp-study: {e.Message}");
    return 1;
}

foreach (var variant in Study.Variants)
{
    Console.WriteLine($"{variant.Name}: {variant.Plan.Chips.Count} chips, {Study.Parameters(variant.Plan)} parameters, {variant.Plan.ForwardBytesPerSample} B/sample forward");
}

var results = Study.Variants.Select(v => Study.Run(v, train, test, options, Console.WriteLine)).ToList();
var command = "dotnet run -c Release --project samples/LcpStudy -- " + string.Join(" ", args);
var markdown = Study.Markdown(results, options, command.TrimEnd());
Console.WriteLine();
Console.WriteLine(markdown);
if (output is not null)
{
    File.WriteAllText(output, markdown);
}

return results.All(r => r.LedgersMatchPlan) ? 0 : 1;

static ImageDataset Subset(ImageDataset data, int count)
{
    count = Math.Clamp(count, 1, data.Count);
    return new ImageDataset(count, data.Height, data.Width, data.Images[..(count * data.SampleSize)], data.Labels[..count]);
}

static (StudyOptions Options, string? Output, string? Data) Parse(string[] args)
{
    var options = new StudyOptions();
    string? output = null, data = null;
    for (var i = 0; i < args.Length; i++)
    {
        var name = args[i];
        var value = i + 1 < args.Length ? args[++i] : throw new FormatException($"{name} needs a value");
        int Positive() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{name} is '{value}'; it must be a positive whole number");
        options = name switch
        {
            "--train" => options with { TrainImages = Positive() },
            "--test" => options with { TestImages = Positive() },
            "--epochs" => options with { Epochs = Positive() },
            "--batch" => options with { Batch = Positive() },
            "--throughput" => options with { ThroughputSamples = Positive() },
            "--micro-batch" => options with { MicroBatch = Positive() },
            "--seeds" => options with { Seeds = Seeds(name, value) },
            "--out" or "--data" => options,
            _ => throw new FormatException($"unknown option '{name}' (options: --train, --test, --epochs, --batch, --seeds, --throughput, --micro-batch, --out, --data)"),
        };
        output = name == "--out" ? value : output;
        data = name == "--data" ? value : data;
    }

    return (options, output, data);
}

static IReadOnlyList<int> Seeds(string name, string value)
{
    var seeds = new List<int>();
    foreach (var part in value.Split(','))
    {
        seeds.Add(int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new FormatException($"{name} is '{value}'; it must be whole numbers separated by commas"));
    }

    return seeds;
}
