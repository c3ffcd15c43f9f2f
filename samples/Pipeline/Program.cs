// Runs CIFAR ResNet-18 split over 4 CPU chips pipelined over micro-batches, and prints the measured throughput
// beside the max-load forecasts: from the declared hardware (25 GFLOPS chips, 1 GB/s links) and calibrated on
// this machine's chips. Usage: dotnet run -c Release --project samples/Pipeline [batch] [micro-batch] [repeats]
using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ResNetTraffic;
using Sdk.Runtime;

var batch = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
var micro = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
const int SampleLength = 3 * 32 * 32;
const int Classes = 10;

var network = new ResNet18FourChips();
using var chips = ChipSet.Cpu(4);
using var model = Model.Create(network, chips);
var images = new float[batch * SampleLength];
var random = new Random(42);
for (var i = 0; i < images.Length; i++)
{
    images[i] = random.NextSingle();
}

Console.WriteLine($"# {ResNet18FourChips.Plan.Name} on {chips}: {batch} images in micro-batches of {micro}, {Environment.ProcessorCount} cores, median of {repeats} runs");
Console.WriteLine();

var expected = new float[batch * Classes];
var output = new float[batch * Classes];
var plainOptions = new PipelineOptions { MicroBatch = micro };
var emulatedOptions = plainOptions with { Links = LinkEmulation.Modelled };

// Warm-up: buffers of both sizes, packed weights, the JIT's optimised code, the pipeline's workers and mailboxes.
for (var w = 0; w < 2; w++)
{
    model.Run(images, batch, expected);
    RunInMicroBatches();
    model.RunPipelined(images, batch, output, plainOptions);
}

// Forecasts: the declared hardware, then this machine's chips (a sequential run of micro-batches, chip by chip).
var declared = PipelineForecast.FromPlan(ResNet18FourChips.Plan, micro);
var calibrated = PipelineForecast.Calibrate(model, images, micro, LinkEmulation.Modelled, runs: 5);
var calibratedNoLinks = calibrated.WithLinks(LinkEmulation.None);
Console.WriteLine(declared.ToMarkdown());
Console.WriteLine(calibrated.ToMarkdown());

// Measured: each kind of run `repeats` times, interleaved; the median throughput of each.
model.Ledger.Reset();
var sequentialBatch = new double[repeats];
var sequentialMicro = new double[repeats];
var plain = new PipelineRunStats[repeats];
var emulated = new PipelineRunStats[repeats];
var equal = true;
for (var r = 0; r < repeats; r++)
{
    var clock = Stopwatch.StartNew();
    model.Run(images, batch, output);
    sequentialBatch[r] = batch / clock.Elapsed.TotalSeconds;
    clock.Restart();
    RunInMicroBatches();
    sequentialMicro[r] = batch / clock.Elapsed.TotalSeconds;
    Array.Clear(output);
    plain[r] = model.RunPipelined(images, batch, output, plainOptions);
    equal &= output.AsSpan().SequenceEqual(expected);
    Array.Clear(output);
    emulated[r] = model.RunPipelined(images, batch, output, emulatedOptions);
    equal &= output.AsSpan().SequenceEqual(expected);
}

var plainMedian = plain.OrderBy(s => s.SamplesPerSecond).ElementAt(repeats / 2);
var emulatedMedian = emulated.OrderBy(s => s.SamplesPerSecond).ElementAt(repeats / 2);
Console.WriteLine(plainMedian.ToMarkdown());
Console.WriteLine(emulatedMedian.ToMarkdown());
Console.WriteLine("| run | measured samples/s | declared forecast | calibrated forecast | shared-host bound |");
Console.WriteLine("|---|---:|---:|---:|---:|");
Console.WriteLine($"| sequential, batch of {batch} | {Median(sequentialBatch):0.#} | | | |");
Console.WriteLine($"| sequential, micro-batches of {micro} | {Median(sequentialMicro):0.#} | | | {calibratedNoLinks.SharedHostSamplesPerSecond:0.#} |");
Console.WriteLine($"| pipelined, links not emulated | {plainMedian.SamplesPerSecond:0.#} | | {calibratedNoLinks.SamplesPerSecond:0.#} | {calibratedNoLinks.SharedHostSamplesPerSecond:0.#} |");
Console.WriteLine($"| pipelined, links emulated | {emulatedMedian.SamplesPerSecond:0.#} | {declared.SamplesPerSecond:0.#} | {calibrated.SamplesPerSecond:0.#} | {calibrated.SharedHostSamplesPerSecond:0.#} |");
Console.WriteLine();
Console.WriteLine(equal ? "Pipelined outputs equal the sequential outputs of the same micro-batches, bit for bit." : "PIPELINED OUTPUTS DIFFER FROM THE SEQUENTIAL ONES.");
Console.WriteLine(model.Ledger.MatchesPlan ? $"Measured traffic equals the plan, to the byte ({model.Ledger.ForwardSamples} samples)." : "MEASURED TRAFFIC DIFFERS FROM THE PLAN.");
return equal && model.Ledger.MatchesPlan ? 0 : 1;

// The sequential reference: the same micro-batches one after another, into `expected`.
void RunInMicroBatches()
{
    for (var first = 0; first < batch; first += micro)
    {
        var n = Math.Min(micro, batch - first);
        model.Run(images.AsSpan(first * SampleLength, n * SampleLength), n, expected.AsSpan(first * Classes, n * Classes));
    }
}

static double Median(double[] values) => values.OrderBy(v => v).ElementAt(values.Length / 2);
