using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// The network-level rules: the input shape, the placement mode, the chips and the links. Every number that
/// later feeds a count or a modelled time is checked here to be finite and in a range where the arithmetic
/// after it cannot overflow.
/// </summary>
internal static class SpecChecks
{
    /// <summary>The largest declared speed, memory and bandwidth, and the smallest non-zero speed and bandwidth (the messages state them too).</summary>
    public const double MaxGflops = 1e15;
    public const double MinGflops = 1e-9;
    public const double MaxGigabytesPerSecond = 1e15;
    public const double MinGigabytesPerSecond = 1e-9;
    public const double MaxLatencyMicroseconds = 1e12;
    public const long MaxMemoryKiB = long.MaxValue / 1024;

    /// <summary>Reports what is wrong with the network-level declarations; returns the declared chip ids (null without any [Chip]).</summary>
    public static HashSet<int>? Check(NetworkSpec spec, List<CompilerDiagnostic> diagnostics)
    {
        var input = spec.InputShape;
        if (input.Count is not (1 or 3) || input.Any(d => d <= 0) || Shapes.Elements(input) > Shapes.MaxElements)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidInputShape, DiagnosticTarget.Network, spec.Name, input));
        }

        if (!Enum.IsDefined(typeof(PlacementMode), spec.Placement))
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidArgument, DiagnosticTarget.Network, $"Network '{spec.Name}'", "Placement", (int)spec.Placement, "a value of Sdk.PlacementMode"));
        }

        if (spec.Layers.IsEmpty)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.NoLayers, DiagnosticTarget.Network, spec.Name));
        }

        var ids = CheckChips(spec, diagnostics);
        CheckLinks(spec, ids, diagnostics);
        return ids;
    }

    public static bool InputShapeValid(NetworkSpec spec) =>
        spec.InputShape.Count is 1 or 3 && spec.InputShape.All(d => d > 0) && Shapes.Elements(spec.InputShape) <= Shapes.MaxElements;

    private static HashSet<int>? CheckChips(NetworkSpec spec, List<CompilerDiagnostic> diagnostics)
    {
        if (spec.Chips.IsEmpty)
        {
            return null;
        }

        var ids = new HashSet<int>();
        for (var i = 0; i < spec.Chips.Count; i++)
        {
            var chip = spec.Chips[i];
            var target = DiagnosticTarget.Chip(i);
            var owner = $"Chip {chip.Id} ('{chip.DisplayName}')";
            if (!ids.Add(chip.Id))
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.DuplicateChip, target, chip.Id));
            }

            if (!(chip.Gflops == 0 || (chip.Gflops >= MinGflops && chip.Gflops <= MaxGflops)))
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidArgument, target, owner, "Gflops", chip.Gflops, "zero (unknown) or a number from 1e-9 to 1e15"));
            }

            if (chip.MemoryKiB < 0 || chip.MemoryKiB > MaxMemoryKiB)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidArgument, target, owner, "MemoryKiB", chip.MemoryKiB, $"zero (unlimited) or a number up to {MaxMemoryKiB}"));
            }

            if (chip.Name is { } name && (name.Length == 0 || name.Any(char.IsControl)))
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidArgument, target, owner, "Name", Escape(name), "a non-empty name without control characters (line breaks, tabs)"));
            }
        }

        if (ids.Min() != 0 || ids.Max() != ids.Count - 1)
        {
            diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.ChipIdsNotContiguous, DiagnosticTarget.Chip(0), string.Join(", ", ids.OrderBy(i => i))));
        }

        return ids;
    }

    private static void CheckLinks(NetworkSpec spec, HashSet<int>? ids, List<CompilerDiagnostic> diagnostics)
    {
        var seen = new HashSet<(int, int)>();
        for (var i = 0; i < spec.Links.Count; i++)
        {
            var link = spec.Links[i];
            var problem = link.ChipA == link.ChipB ? "a link joins two different chips"
                : link.ChipA < 0 || link.ChipB < 0 || (ids is not null && (!ids.Contains(link.ChipA) || !ids.Contains(link.ChipB))) ? "both ends must be declared chips"
                : !(link.GigabytesPerSecond >= MinGigabytesPerSecond && link.GigabytesPerSecond <= MaxGigabytesPerSecond) ? $"GigabytesPerSecond is {Num(link.GigabytesPerSecond)}; it must be a number from 1e-9 to 1e15"
                : !(link.LatencyMicroseconds >= 0 && link.LatencyMicroseconds <= MaxLatencyMicroseconds) ? $"LatencyMicroseconds is {Num(link.LatencyMicroseconds)}; it must be a number from 0 to 1e12"
                : link.BudgetBytesPerSample < 0 ? $"BudgetBytesPerSample is {link.BudgetBytesPerSample}; it must be zero (no budget) or positive"
                : !seen.Add((Math.Min(link.ChipA, link.ChipB), Math.Max(link.ChipA, link.ChipB))) ? "this pair of chips is already linked"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(CompilerDiagnostic.Create(DiagnosticRules.InvalidLink, DiagnosticTarget.Link(i), link.ChipA, link.ChipB, problem));
            }
        }
    }

    /// <summary>A number as C# and JSON write it, whatever the current culture.</summary>
    internal static string Num(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A name with its control characters shown as escapes, for a one-line message.</summary>
    internal static string Escape(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString());
        }

        return builder.ToString();
    }
}
