// What narrowing a cut costs: FashionCnn and a ResNet-14 split over two chips at an early and a late cut, through
// bottlenecks of ratio 1 to 64, each trained from scratch, PCA-calibrated from the unsplit network without
// retraining, and PCA-calibrated then fine-tuned for one epoch, on Fashion-MNIST. Writes results.json (resumable:
// a rerun skips every finished configuration), study.md (the tables and the headline) and one PNG per network.
//
//   dotnet run -c Release --project samples/CompressionStudy -- --out docs/compression        (the full study)
//   dotnet run -c Release --project samples/CompressionStudy -- --train 1000 --test 500 --epochs 1 --seeds 1 --networks FashionCnn --cuts early --ratios 1,8
//
// Exit codes: 0 done; 1 a run failure (data files, an unusable results file: one line naming it and what is wrong);
// 2 a bad argument.
using System;
using System.Diagnostics;
using System.IO;
using CompressionStudy;
using Sdk.Runtime.Data;
using Spectre.Console;

var (arguments, error) = StudyArguments.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine($"compression-study: {error}");
    return 2;
}

try
{
    var train = FashionMnist.LoadTrain(arguments.DataDirectory);
    var test = FashionMnist.LoadTest(arguments.DataDirectory);
    Directory.CreateDirectory(arguments.OutDirectory);
    var results = StudyResults.Open(Path.Combine(arguments.OutDirectory, "results.json"), arguments.Options);
    var runner = new StudyRunner(results, train, test, arguments.OutDirectory);
    var clock = Stopwatch.StartNew();
    if (AnsiConsole.Profile.Capabilities.Interactive)
    {
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => runner.Run(new ConsoleProgress(context)));
    }
    else
    {
        runner.Run(new LineProgress(Console.Out));
    }

    var plots = StudyPlots.Write(results.Rows, arguments.OutDirectory);
    var report = Path.Combine(arguments.OutDirectory, "study.md");
    File.WriteAllText(report, StudyReport.Markdown(arguments.Options, results.Rows, plots));
    Console.WriteLine($"{results.Rows.Count} configurations in {Markup.Escape(results.Path)}; this run took {clock.Elapsed.TotalMinutes:0.0} min. Report: {report}; plots: {string.Join(", ", plots)}.");
    return 0;
}
catch (Exception failure) when (failure is StudyResultsException or DatasetFormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"compression-study: {failure.Message}");
    return 1;
}
