// Trains a CNN split over two CPU chips (a learned 1/4 bottleneck at the cut) on Fashion-MNIST, then evaluates it
// with the inference Model, saves the weights and prints the traffic: what the plan predicted against what the
// links measured, forward (activations) and backward (their gradients).
//
//   dotnet run -c Release --project samples/FashionMnist -- --epochs 4
//   dotnet run -c Release --project samples/FashionMnist -- --subset 2000 --epochs 1     (the short CI version)
//   dotnet run -c Release --project samples/FashionMnist -- --throughput 100              (images/s only: benchmarks/training-peer)
//   dotnet run -c Release --project samples/FashionMnist -- --data DIR --resume fashion-out/checkpoint.safetensors
//   dotnet run -c Release --project samples/FashionMnist -- --replicas 2 --adaptive 12 (2 replicas; the cut and the
//                                                          exchanged weights truncated from 12 bits, adaptive precision)
//
// Exit codes: 0 done (and the measured traffic equals the plan), 1 a run failure (bad or missing data files, a bad
// checkpoint, a file-system error: one line on stderr, or measured traffic different from the plan), 2 a bad argument
// (one line naming the option and the value). The command line is parsed in SampleArguments.cs.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FashionMnistSample;
using Sdk.Runtime;
using Sdk.Runtime.Data;
using Sdk.Runtime.Training;
using Sdk.Runtime.Weights;
using Spectre.Console;

// Bad arguments: one line and exit code 2. Bad data, a bad checkpoint or a failing disk: one line and exit code 1.
return SampleRunner.Run(args, Console.Out, Console.Error, Train);

static int Train(SampleArguments arguments)
{
    var options = arguments.Options;
    if (arguments.ThroughputSteps is not null || arguments.PeerCheck is not null)
    {
        // benchmarks/training-peer: no progress display, no evaluation, no files but the check's.
        var data = arguments.LoadTrain();
        return arguments.PeerCheck is string directory
            ? Throughput.WritePeerCheck(data, options, arguments.Warmup, directory)
            : Throughput.Run(data, options, arguments.ThroughputSteps!.Value, arguments.Warmup);
    }

    // Everything that can fail on bad input is read before the output directory is created.
    var train = arguments.LoadTrain();
    var test = arguments.LoadTest();
    Directory.CreateDirectory(arguments.OutDirectory);
    options = options with { CheckpointPath = Path.Combine(arguments.OutDirectory, "checkpoint.safetensors") };

    var network = new FashionCnn();
    network.Parameters.Initialize(options.Seed);
    using var trainingChips = ChipSet.Cpu(options.Chips);
    using var chips = ChipSet.Cpu(2); // inference: one copy
    var run = new FashionTraining(network, train, trainingChips, options);
    if (arguments.Resume is string resume)
    {
        run.Trainer.LoadCheckpoint(resume);
        AnsiConsole.MarkupLine($"Resumed from [blue]{Markup.Escape(resume)}[/]: epoch {run.Trainer.Epoch}, step {run.Trainer.Step}, seed {run.Trainer.Seed}.");
    }

    var plan = FashionCnn.Plan;
    AnsiConsole.MarkupLine($"[bold]{plan.Name}[/]: {plan.Layers.Count} layers on {plan.Chips.Count} chips ({Markup.Escape(trainingChips.ToString())}), {plan.Cuts.Count} cut; " +
        $"{train.Count} training images, batch {options.Batch}, {options.Epochs} epochs, seed {options.Seed}, {Environment.ProcessorCount} cores.");
    AnsiConsole.MarkupLine($"{options.Replicas} replica(s); wire precision: {Markup.Escape(options.Adaptive?.ToString() ?? "as planned (Float32)")}.");
    AnsiConsole.MarkupLine($"Optimizer {Markup.Escape(run.Trainer.Options.Optimizer.ToString())}; learning rate {Markup.Escape(run.Trainer.Options.Schedule.ToString() ?? string.Empty)}.");

    double Evaluate() => FashionTraining.Evaluate(network, test, chips, out _);

    var clock = Stopwatch.StartNew();
    System.Collections.Generic.List<EpochResult> results;
    if (AnsiConsole.Profile.Capabilities.Interactive)
    {
        results = TrainWithProgress(run, options, Evaluate);
    }
    else
    {
        // Redirected output (CI, logs): one plain line per epoch instead of a live display.
        results = run.Run(evaluate: Evaluate, onEpoch: r => Console.WriteLine(Describe(r)));
    }

    var trainingTime = clock.Elapsed;

    var table = new Table().AddColumns("epoch", "loss", "train acc.", "test acc.", "seconds", "images/s");
    foreach (var r in results)
    {
        table.AddRow(
            r.Epoch.ToString(CultureInfo.InvariantCulture), r.Loss.ToString("0.0000", CultureInfo.InvariantCulture), r.Accuracy.ToString("P2", CultureInfo.InvariantCulture),
            r.TestAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "-", r.Seconds.ToString("0.0", CultureInfo.InvariantCulture), r.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture));
    }

    AnsiConsole.Write(table);

    // The final evaluation on the inference Model: BatchNorm folded into the convolutions, running statistics.
    var accuracy = FashionTraining.Evaluate(network, test, chips, out var inferenceLedger);
    var weightsPath = Path.Combine(arguments.OutDirectory, "fashion-cnn.safetensors");
    network.Parameters.Save(weightsPath);
    AnsiConsole.MarkupLine($"Test accuracy ([bold]inference Model[/], {test.Count} images): [bold green]{accuracy:P2}[/]; training took {trainingTime.TotalSeconds:0.0} s.");
    AnsiConsole.MarkupLine($"Weights: [blue]{Markup.Escape(weightsPath)}[/]; checkpoint: [blue]{Markup.Escape(options.CheckpointPath!)}[/] (resume with --resume).");

    // Traffic: the plan's prediction (compile time) and the links' measurement (run time).
    var markdown = plan.TrafficMarkdown;
    var layersAt = markdown.IndexOf("## Layers", StringComparison.Ordinal);
    Console.WriteLine();
    Console.WriteLine(layersAt < 0 ? markdown : markdown[..layersAt]);
    var ledger = run.Trainer.Ledger;
    Console.WriteLine("Training, " + ledger.ToMarkdown().TrimStart('#', ' '));
    var predicted = ledger.Cuts.Sum(c => c.PredictedForwardBytes + c.PredictedBackwardBytes) + ledger.Exchange.PredictedWeightBytes + ledger.Exchange.PredictedGradientBytes;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Training traffic: predicted {predicted} B, measured {ledger.TotalBytes} B ({ledger.ForwardBytes + ledger.BackwardBytes} B cuts + {ledger.Exchange.Bytes} B exchange): " +
        $"{(ledger.MatchesPlan ? "equal" : "DIFFERENT")}; all-Float32 {ledger.Float32Bytes} B ({100.0 * ledger.TotalBytes / ledger.Float32Bytes:0.0} %)."));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"SUMMARY test_accuracy={accuracy:0.0000} measured_bytes={ledger.TotalBytes} float32_bytes={ledger.Float32Bytes} replicas={options.Replicas} adaptive={options.Adaptive?.StartBits.ToString(CultureInfo.InvariantCulture) ?? "none"} cut_bits={ledger.Cuts[0].Encodings} weight_bits={ledger.Exchange.WeightEncodings}"));
    Console.WriteLine("Evaluation, " + inferenceLedger.ToMarkdown().TrimStart('#', ' '));
    return ledger.MatchesPlan && inferenceLedger.MatchesPlan ? 0 : 1;
}

static string Describe(EpochResult r) => string.Create(CultureInfo.InvariantCulture,
    $"epoch {r.Epoch}: loss {r.Loss:0.0000}, train accuracy {r.Accuracy:P2}, test accuracy {r.TestAccuracy:P2}, {r.Seconds:0.0} s, {r.ImagesPerSecond:0} images/s");

static System.Collections.Generic.List<EpochResult> TrainWithProgress(FashionTraining run, FashionOptions options, Func<double> evaluate)
{
    System.Collections.Generic.List<EpochResult> results = new();
    AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
        .Start(context =>
        {
            var tasks = new ProgressTask[options.Epochs];
            for (var e = run.Trainer.Epoch; e < options.Epochs; e++)
            {
                tasks[e] = context.AddTask($"epoch {e + 1}", autoStart: false, maxValue: run.BatchesPerEpoch);
            }

            results = run.Run(
                onBatch: p =>
                {
                    var task = tasks[p.Epoch];
                    if (!task.IsStarted)
                    {
                        task.StartTask();
                    }

                    task.Value = p.Batch;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch + 1}  loss {p.Loss:0.0000}  acc {p.Accuracy:P1}  {p.ImagesPerSecond:0} img/s");
                },
                evaluate: evaluate,
                onEpoch: r =>
                {
                    var task = tasks[r.Epoch - 1];
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {r.Epoch}  loss {r.Loss:0.0000}  acc {r.Accuracy:P1}  test {r.TestAccuracy:P2}  {r.ImagesPerSecond:0} img/s");
                    task.StopTask();
                });
        });
    return results;
}
