using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;

namespace Sdk.Generator.Analysis;

/// <summary>The plan's figures as build output: per-cut traffic (info), budgets and memory (warnings, errors).</summary>
internal static class TrafficDiagnostics
{
    public static void Report(NetworkSpec spec, PlanModel plan, List<DiagnosticInfo> diagnostics)
    {
        foreach (var chip in plan.Chips)
        {
            var location = spec.Chips.FirstOrDefault(c => c.Id == chip.Id)?.Location ?? spec.NetworkLocation;
            if (!chip.ParametersFit)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParametersExceedMemory, location, chip.Id, chip.Name, chip.ParameterBytes, chip.MemoryBytes));
            }
            else if (!chip.Fits)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationsExceedMemory, location, chip.Id, chip.Name, chip.ParameterBytes + chip.PeakActivationBytes, chip.ParameterBytes, chip.PeakActivationBytes, chip.MemoryBytes));
            }
        }

        foreach (var cut in plan.Cuts)
        {
            var reader = spec.Layers.First(l => l.Name == cut.To[0]);
            var location = reader.BottleneckLocation ?? reader.TransferLocation ?? reader.Location;
            var to = string.Join(", ", cut.To);
            var link = plan.Links.FirstOrDefault(l => l.Connects(cut.FromChip, cut.ToChip));
            var detail = (cut.BottleneckRatio > 1 ? $", bottleneck ratio {cut.BottleneckRatio}" : string.Empty) +
                (cut.SecondsPerSample is { } s ? $", {Microseconds(s)} µs/sample on its link" : string.Empty);
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.CutTraffic, location, cut.From, to, cut.FromChip, cut.ToChip, Shapes.Format(cut.Shape),
                WireFormats.Name(cut.Format), cut.ForwardBytesPerSample, cut.BackwardBytesPerSample, detail));

            if (link is null)
            {
                if (!plan.Links.IsEmpty)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CutWithoutLink, location, cut.From, to, cut.FromChip, cut.ToChip));
                }

                continue;
            }

            if (link.BudgetBytesPerSample > 0 && cut.ForwardBytesPerSample > link.BudgetBytesPerSample)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CutOverBudget, location, cut.From, to, cut.FromChip, cut.ToChip, cut.ForwardBytesPerSample, link.BudgetBytesPerSample));
            }

            var compute = plan.Chips[cut.FromChip].SecondsPerSample;
            if (cut.SecondsPerSample is { } linkSeconds && compute is { } computeSeconds && linkSeconds > computeSeconds)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CutSlowerThanCompute, location, cut.From, to, Microseconds(linkSeconds), cut.FromChip, Microseconds(computeSeconds)));
            }
        }

        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.TrafficSummary, spec.NetworkLocation, plan.Name, plan.Layers.Count, plan.Chips.Count, plan.Cuts.Count,
            plan.ForwardBytesPerSample, plan.ForwardBytesPerSample + plan.BackwardBytesPerSample));
    }

    public static string Microseconds(double seconds) => (seconds * 1e6).ToString("0.###", CultureInfo.InvariantCulture);
}
