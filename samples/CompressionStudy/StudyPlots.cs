using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace CompressionStudy;

/// <summary>
/// One PNG per network: test accuracy against the bytes per sample that cross the cut (forward; the gradient back
/// is as large), log x, one line per cut and method (mean over seeds), the Pareto front ringed, and a dashed line
/// one point below the unsplit network.
/// </summary>
public static class StudyPlots
{
    public const int Width = 1000;
    public const int Height = 640;

    /// <summary>Writes the plots into <paramref name="directory"/>; returns their file names.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<StudyResult> results, string directory)
    {
        var rows = StudySummary.Of(results);
        var names = new List<string>();
        foreach (var network in rows.GroupBy(r => r.Network))
        {
            var name = $"accuracy-{network.Key}.png";
            Plot(network.Key, network.ToList()).SavePng(Path.Combine(directory, name), Width, Height);
            names.Add(name);
        }

        return names;
    }

    private static Plot Plot(string network, List<SummaryRow> rows)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var methods = Enum.GetValues<StudyMethod>();
        foreach (var line in rows.Where(r => r.SameAs is null).GroupBy(r => (r.Cut, r.Method)).OrderBy(g => g.Key.Cut, StringComparer.Ordinal).ThenBy(g => g.Key.Method))
        {
            // PCA lines start at the unsplit network (ratio 1), which they are calibrated from.
            var points = line.Key.Method == StudyMethod.Trained ? line.ToList()
                : rows.Where(r => r.Cut == line.Key.Cut && r.Method == StudyMethod.Trained && r.Ratio == 1).Concat(line).ToList();
            points = points.OrderBy(r => r.ForwardBytes).ToList();
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log10(p.ForwardBytes)).ToArray(), points.Select(p => 100 * p.Mean).ToArray());
            scatter.LegendText = $"{line.Key.Cut} cut, {StudyConfiguration.MethodName(line.Key.Method)}";
            scatter.Color = palette.GetColor(Array.IndexOf(methods, line.Key.Method));
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
            scatter.MarkerShape = line.Key.Cut == "early" ? MarkerShape.FilledCircle : MarkerShape.FilledSquare;
            scatter.LinePattern = line.Key.Cut == "early" ? LinePattern.Solid : LinePattern.Dashed;
        }

        var front = rows.Where(r => r.OnFront).OrderBy(r => r.ForwardBytes).ToList();
        var ring = plot.Add.ScatterPoints(front.Select(p => Math.Log10(p.ForwardBytes)).ToArray(), front.Select(p => 100 * p.Mean).ToArray());
        ring.LegendText = "Pareto front";
        ring.MarkerShape = MarkerShape.OpenCircle;
        ring.MarkerSize = 18;
        ring.MarkerLineWidth = 2;
        ring.Color = Colors.Black;

        var unsplit = rows.Where(r => r.Method == StudyMethod.Trained && r.Ratio == 1).Select(r => r.Mean).DefaultIfEmpty(0).Average();
        var tolerance = plot.Add.HorizontalLine(100 * (unsplit - StudySummary.Point));
        tolerance.LineColor = Colors.Gray;
        tolerance.LinePattern = LinePattern.Dotted;
        tolerance.LegendText = "unsplit − 1 point";

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => Math.Pow(10, x).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Grid.MinorLineWidth = 1;
        plot.Title($"{network}: test accuracy against the bytes crossing the cut");
        plot.XLabel("bytes per sample crossing the cut, forward (log scale; the gradient back is as large)");
        plot.YLabel("test accuracy (%), mean over seeds");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
