// Prints the compile-time traffic report of a CIFAR ResNet-18 split over 2 and over 4 chips, then runs the
// 4-chip split on CPU chips and shows the traffic measured at the links beside the plan's prediction.
// The reports were computed by the source generator at build time: the program reads the generated plans
// (ResNet18TwoChips.Plan, ResNet18FourChips.Plan).
using System;
using System.Diagnostics;
using System.Linq;
using ResNetTraffic;
using Sdk.Compiler;
using Sdk.Runtime;

Print(ResNet18TwoChips.Plan);
Print(ResNet18FourChips.Plan);

// The compiler placed this one itself (Placement = PlacementMode.Auto): the split that minimises the
// pipeline's max-load under the declared chip speeds, memories and links.
Print(ResNet18AutoPlaced.Plan);

// The same numbers as data: compare the two splits.
Console.WriteLine("## The splits compared");
Console.WriteLine();
Console.WriteLine("| plan | cuts | forward B/sample | training B/sample | busiest chip MFLOP/sample |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var plan in new[] { ResNet18TwoChips.Plan, ResNet18FourChips.Plan, ResNet18AutoPlaced.Plan })
{
    long busiest = 0;
    foreach (var chip in plan.Chips)
    {
        busiest = Math.Max(busiest, chip.Flops);
    }

    Console.WriteLine($"| {plan.Name} | {plan.Cuts.Count} | {plan.ForwardBytesPerSample} | {plan.ForwardBytesPerSample + plan.BackwardBytesPerSample} | {busiest / 1e6:0.#} |");
}

// Run it: 4 CPU chips, a batch of 2 images (weights from the default seeded initialisation).
Console.WriteLine();
var network = new ResNet18FourChips();
using var chips = ChipSet.Cpu(4);
using var model = Model.Create(network, chips);
const int Batch = 2;
var images = new float[Batch * 3 * 32 * 32];
var random = new Random(42);
for (var i = 0; i < images.Length; i++)
{
    images[i] = random.NextSingle();
}

var clock = Stopwatch.StartNew();
var logits = model.Run(images, Batch);
Console.WriteLine($"Ran a batch of {Batch} on {chips} in {clock.ElapsedMilliseconds} ms; logits of image 0: [{string.Join(", ", logits[..10].Select(v => v.ToString("0.###")))}]");
Console.WriteLine();
Console.WriteLine(model.Ledger.ToMarkdown());
Console.WriteLine(model.Ledger.MatchesPlan ? "Measured traffic equals the plan, to the byte." : "MEASURED TRAFFIC DIFFERS FROM THE PLAN.");
return model.Ledger.MatchesPlan ? 0 : 1;

static void Print(NetworkPlan plan)
{
    // The layer table is long; the cut, pair and chip tables are the report's point.
    var markdown = plan.TrafficMarkdown;
    var layers = markdown.IndexOf("## Layers", StringComparison.Ordinal);
    Console.WriteLine(layers < 0 ? markdown : markdown[..layers]);
}
