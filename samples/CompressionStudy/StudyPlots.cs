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
            var exchange = network.Where(r => r.Method == StudyMethod.Exchange).ToList();
            if (exchange.Count > 0)
            {
                var other = $"exchange-{network.Key}.png";
                ExchangePlot(network.Key, exchange).SavePng(Path.Combine(directory, other), Width, Height);
                names.Add(other);
            }
        }

        return names;
    }

    /// <summary>The format rows of one cut: points at their measured forward bytes, fixed formats and adaptive apart, each labelled.</summary>
    private static void AddFormats(Plot plot, List<SummaryRow> rows, string cut)
    {
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var adaptive in new[] { false, true })
        {
            var points = rows.Where(r => r.Method == StudyMethod.Format && r.Cut == cut && (StudyWire.Parse(r.Wire!).Adaptive is not null) == adaptive)
                .OrderBy(r => r.MeasuredForwardBytes).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var scatter = plot.Add.ScatterPoints(points.Select(p => Math.Log10(p.MeasuredForwardBytes)).ToArray(), points.Select(p => 100 * p.Mean).ToArray());
            scatter.LegendText = $"{cut} cut, r = 1, {(adaptive ? "adaptive bits (measured mean)" : "wire formats")}";
            scatter.Color = palette.GetColor(adaptive ? 4 : 3);
            scatter.MarkerSize = 10;
            scatter.MarkerShape = adaptive ? MarkerShape.FilledDiamond : (cut == "early" ? MarkerShape.FilledTriangleUp : MarkerShape.FilledTriangleDown);
            foreach (var p in points)
            {
                var label = plot.Add.Text(StudyWire.Parse(p.Wire!).Label, Math.Log10(p.MeasuredForwardBytes), 100 * p.Mean);
                label.LabelFontSize = 11;
                label.LabelFontColor = scatter.Color;
                label.LabelOffsetX = 6;
                label.LabelOffsetY = cut == "early" ? -16 : 2;
            }
        }
    }

    /// <summary>The exchange rows: test accuracy against the exchange bytes per step (weights out and gradients back), log x.</summary>
    private static Plot ExchangePlot(string network, List<SummaryRow> rows)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var adaptive in new[] { false, true })
        {
            var points = rows.Where(r => (StudyWire.Parse(r.Wire!).Adaptive is not null) == adaptive).OrderBy(r => r.ExchangeBytesPerStep).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var scatter = plot.Add.ScatterPoints(points.Select(p => Math.Log10(p.ExchangeBytesPerStep!.Value)).ToArray(), points.Select(p => 100 * p.Mean).ToArray());
            scatter.LegendText = adaptive ? "weights in adaptive bits (measured mean)" : "weights in a fixed format";
            scatter.Color = palette.GetColor(adaptive ? 4 : 3);
            scatter.MarkerSize = 10;
            scatter.MarkerShape = adaptive ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle;
            foreach (var p in points)
            {
                var label = plot.Add.Text(StudyWire.Parse(p.Wire!).Label, Math.Log10(p.ExchangeBytesPerStep!.Value), 100 * p.Mean);
                label.LabelFontSize = 11;
                label.LabelFontColor = scatter.Color;
                label.LabelOffsetX = 6;
            }
        }

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Grid.MinorLineWidth = 1;
        plot.Title($"{network}, {rows.First().Cut} cut, data-parallel replicas: test accuracy against the weight exchange");
        plot.XLabel("exchange bytes per step: weights to the other replica + gradients back in Float32 (log scale; not the cut's bytes)");
        plot.YLabel("test accuracy (%), mean over seeds");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = x => Math.Pow(10, x).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Plot Plot(string network, List<SummaryRow> rows)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var methods = Enum.GetValues<StudyMethod>();
        var formats = rows.Where(r => r.Method == StudyMethod.Format).ToList();
        rows = rows.Where(r => r.Wire is null).ToList();
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

        foreach (var cut in formats.Select(r => r.Cut).Distinct().Order(StringComparer.Ordinal))
        {
            AddFormats(plot, formats, cut);
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

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Grid.MinorLineWidth = 1;
        plot.Title(formats.Count == 0 ? $"{network}: test accuracy against the bytes crossing the cut" : $"{network}: test accuracy against the bytes crossing the cut (bottlenecks and wire formats)");
        plot.XLabel(formats.Count == 0 ? "bytes per sample crossing the cut, forward (log scale; the gradient back is as large)"
            : "bytes per sample crossing the cut, forward (log scale; the gradient back is as large; adaptive: measured mean over training)");
        plot.YLabel("test accuracy (%), mean over seeds");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
