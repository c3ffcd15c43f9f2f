using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>The plan's figures as diagnostics: per-cut traffic (info), link budgets and speed (warnings), memory (errors and warnings).</summary>
internal static class TrafficChecks
{
    public static void Report(NetworkSpec spec, NetworkPlan plan, List<CompilerDiagnostic> diagnostics)
    {
        foreach (var chip in plan.Chips)
        {
            var declared = IndexOfChip(spec, chip.Id);
            var target = declared >= 0 ? DiagnosticTarget.Chip(declared) : DiagnosticTarget.Network;
            if (!chip.ParametersFit)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.ParametersExceedMemory, target, chip.Id, chip.Name, chip.ParameterBytes, chip.MemoryBytes));
            }
            else if (!chip.Fits)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.ActivationsExceedMemory, target, chip.Id, chip.Name, chip.ParameterBytes + chip.PeakActivationBytes, chip.ParameterBytes, chip.PeakActivationBytes, chip.MemoryBytes));
            }
        }

        foreach (var cut in plan.Cuts)
        {
            var reader = spec.IndexOf(cut.To[0]);
            var annotation = spec.Layers[reader] switch
            {
                { BottleneckRatio: not null } => LayerPart.Bottleneck,
                { Transfer: not null } => LayerPart.Transfer,
                _ => LayerPart.Attribute,
            };
            var target = DiagnosticTarget.Layer(reader, annotation);
            var to = string.Join(", ", cut.To);
            var link = plan.LinkBetween(cut.FromChip, cut.ToChip);
            var detail = (cut.BottleneckRatio > 1 ? $", bottleneck ratio {cut.BottleneckRatio}" : string.Empty) +
                (cut.ModelledSecondsPerSample is { } s ? $", {Microseconds(s)} µs/sample on its link" : string.Empty);
            diagnostics.Add(CompilerDiagnostic.Create(
                DiagnosticRules.CutTraffic, target, cut.From, to, cut.FromChip, cut.ToChip, cut.Shape,
                cut.Format, cut.ForwardBytesPerSample, cut.BackwardBytesPerSample, detail));

            if (link is null)
            {
                if (!plan.Links.IsEmpty)
                {
                    diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.CutWithoutLink, target, cut.From, to, cut.FromChip, cut.ToChip));
                }

                continue;
            }

            if (link.BudgetBytesPerSample > 0 && cut.ForwardBytesPerSample > link.BudgetBytesPerSample)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.CutOverBudget, target, cut.From, to, cut.FromChip, cut.ToChip, cut.ForwardBytesPerSample, link.BudgetBytesPerSample));
            }

            var compute = plan.Chips[cut.FromChip].ComputeSecondsPerSample;
            if (cut.ModelledSecondsPerSample is { } linkSeconds && compute is { } computeSeconds && linkSeconds > computeSeconds)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.CutSlowerThanCompute, target, cut.From, to, Microseconds(linkSeconds), cut.FromChip, Microseconds(computeSeconds)));
            }
        }

        diagnostics.Add(Summary(plan));
    }

    /// <summary>SDK0025: the network's layers, chips, cuts and bytes per sample in one line.</summary>
    public static CompilerDiagnostic Summary(NetworkPlan plan) => CompilerDiagnostic.Create(
        DiagnosticRules.TrafficSummary, DiagnosticTarget.Network, plan.Name, plan.Layers.Count, plan.Chips.Count, plan.Cuts.Count,
        plan.ForwardBytesPerSample, plan.ForwardBytesPerSample + plan.BackwardBytesPerSample);

    public static string Microseconds(double seconds) => (seconds * 1e6).ToString("0.###", CultureInfo.InvariantCulture);

    private static int IndexOfChip(NetworkSpec spec, int id)
    {
        for (var i = 0; i < spec.Chips.Count; i++)
        {
            if (spec.Chips[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }
}
