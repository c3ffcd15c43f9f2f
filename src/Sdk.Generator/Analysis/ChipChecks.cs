using System.Collections.Generic;
using System.Linq;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;

namespace Sdk.Generator.Analysis;

/// <summary>Checks the [Chip] and [Link] declarations.</summary>
internal static class ChipChecks
{
    /// <summary>The declared chip ids, or null when the network declares no [Chip] (chips are then implied).</summary>
    public static HashSet<int>? Validate(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        HashSet<int>? ids = null;
        if (!spec.Chips.IsEmpty)
        {
            ids = new HashSet<int>();
            foreach (var chip in spec.Chips)
            {
                if (!ids.Add(chip.Id))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateChip, chip.Location, chip.Id));
                }

                if (chip.Gflops < 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, chip.Location, $"Chip {chip.Id} ('{chip.Name}')", "Gflops", chip.Gflops, "zero (unknown) or positive"));
                }

                if (chip.MemoryKiB < 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, chip.Location, $"Chip {chip.Id} ('{chip.Name}')", "MemoryKiB", chip.MemoryKiB, "zero (unlimited) or positive"));
                }
            }

            if (ids.Min() != 0 || ids.Max() != ids.Count - 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChipIdsNotContiguous, spec.Chips[0].Location, string.Join(", ", ids.OrderBy(i => i))));
            }
        }

        var seen = new HashSet<(int, int)>();
        foreach (var link in spec.Links)
        {
            string? problem = null;
            if (link.ChipA == link.ChipB)
            {
                problem = "a link joins two different chips";
            }
            else if (link.ChipA < 0 || link.ChipB < 0 || (ids is not null && (!ids.Contains(link.ChipA) || !ids.Contains(link.ChipB))))
            {
                problem = "both ends must be declared chips";
            }
            else if (!(link.GigabytesPerSecond > 0))
            {
                problem = $"GigabytesPerSecond is {link.GigabytesPerSecond}; it must be positive";
            }
            else if (link.LatencyMicroseconds < 0)
            {
                problem = $"LatencyMicroseconds is {link.LatencyMicroseconds}; it must be zero or positive";
            }
            else if (link.BudgetBytesPerSample < 0)
            {
                problem = $"BudgetBytesPerSample is {link.BudgetBytesPerSample}; it must be zero (no budget) or positive";
            }
            else if (!seen.Add((System.Math.Min(link.ChipA, link.ChipB), System.Math.Max(link.ChipA, link.ChipB))))
            {
                problem = "this pair of chips is already linked";
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLink, link.Location, link.ChipA, link.ChipB, problem));
            }
        }

        return ids;
    }
}
