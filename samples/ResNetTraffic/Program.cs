// Prints the compile-time traffic report of a CIFAR ResNet-18 split over 2 and over 4 chips.
// Everything printed here was computed by the source generator at build time: the program only reads the
// generated plans (ResNet18TwoChips.Plan, ResNet18FourChips.Plan).
using System;
using ResNetTraffic;
using Sdk.Runtime;

Print(ResNet18TwoChips.Plan);
Print(ResNet18FourChips.Plan);

// The same numbers as data: compare the two splits.
Console.WriteLine("## Two splits compared");
Console.WriteLine();
Console.WriteLine("| plan | cuts | forward B/sample | training B/sample | busiest chip MFLOP/sample |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var plan in new[] { ResNet18TwoChips.Plan, ResNet18FourChips.Plan })
{
    long busiest = 0;
    foreach (var chip in plan.Chips)
    {
        busiest = Math.Max(busiest, chip.Flops);
    }

    Console.WriteLine($"| {plan.Name} | {plan.Cuts.Count} | {plan.ForwardBytesPerSample} | {plan.ForwardBytesPerSample + plan.BackwardBytesPerSample} | {busiest / 1e6:0.#} |");
}

static void Print(NetworkPlan plan)
{
    // The layer table is long; the cut, pair and chip tables are the report's point.
    var markdown = plan.TrafficMarkdown;
    var layers = markdown.IndexOf("## Layers", StringComparison.Ordinal);
    Console.WriteLine(layers < 0 ? markdown : markdown[..layers]);
}
