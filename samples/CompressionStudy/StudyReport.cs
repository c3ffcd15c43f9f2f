using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CompressionStudy;

/// <summary>The study as Markdown: what ran, the headline, and one table per network and cut.</summary>
public static class StudyReport
{
    public static string Markdown(StudyOptions options, IReadOnlyList<StudyResult> results, IEnumerable<string> plots)
    {
        var rows = StudySummary.Of(results);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("# What narrowing a cut costs: results");
        Line();
        Line(Inv($"Fashion-MNIST, the first {options.TrainSamples} training images, {options.Epochs} epochs (AdamW, peak learning rate {options.LearningRate}, cosine, batch {options.Batch}); ") +
            Inv($"test accuracy of the inference model on the first {options.TestSamples} test images. Seeds {string.Join(", ", options.Seeds)} for every row (each fixes the initial weights, the shuffle and the dropout masks). ") +
            Inv($"PCA: the unsplit network's weights (same cut, seed and epochs), the bottleneck calibrated on {options.CalibrationSamples} training images; ") +
            Inv($"+ 1 epoch: then trained one more epoch at peak learning rate {options.FineTuneLearningRate}. ") +
            "Accuracy in % as mean ± standard deviation over seeds (min–max); ★: on the network's Pareto front (fewest forward bytes for the accuracy, every cut and method). " +
            "Bytes per sample from the plan; the traffic ledgers of every training and evaluation equal them (column \"ledger\"). " +
            "Link: the modelled time of one training sample on the declared 0.5 GB/s, 2 µs link (the tensor forward and its gradient back).");
        Line();
        Line("## Headline: the largest ratio within one point of the unsplit network");
        Line();
        Line("| network | cut | unsplit | trained | PCA | PCA + 1 epoch |");
        Line("|---|---|---:|---|---|---|");
        foreach (var cut in StudySummary.Headlines(rows).GroupBy(h => (h.Network, h.Cut)))
        {
            string Cell(StudyMethod m) => cut.FirstOrDefault(h => h.Method == m) is not { } h ? "—"
                : h.LargestRatio is int r ? Inv($"1/{r} ({Percent(h.Accuracy!.Value)})") : "none";
            Line(Inv($"| {cut.Key.Network} | {cut.Key.Cut} | {Percent(cut.First().Unsplit)} | {Cell(StudyMethod.Trained)} | {Cell(StudyMethod.Pca)} | {Cell(StudyMethod.PcaFineTuned)} |"));
        }

        foreach (var cut in rows.Where(r => r.Wire is null).GroupBy(r => (r.Network, r.Cut)))
        {
            var network = StudyNetwork.Named(cut.Key.Network);
            var plan = network.Variant(cut.Key.Cut, 1);
            var crossing = plan.Cuts.Single();
            Line();
            Line(Inv($"## {cut.Key.Network}, {cut.Key.Cut} cut: {crossing.From} → {string.Join(", ", crossing.To)}, [{string.Join(", ", crossing.Shape)}]"));
            Line();
            Line("| r | channels | forward B | backward B | link µs | trained | PCA | explained variance | PCA + 1 epoch | s/epoch trained | s/epoch fine-tune | ledger |");
            Line("|---:|---:|---:|---:|---:|---|---|---:|---|---:|---:|---|");
            foreach (var ratio in cut.GroupBy(r => r.Ratio).OrderBy(g => g.Key))
            {
                SummaryRow? Of(StudyMethod m) => ratio.FirstOrDefault(r => r.Method == m);
                var any = ratio.First();
                var same = any.SameAs is int s ? Inv($" (= 1/{s})") : string.Empty;
                Line(Inv($"| {ratio.Key}{same} | {any.Width} | {any.ForwardBytes} | {any.BackwardBytes} | {any.LinkMicroseconds:0.0} | ") +
                    $"{Accuracy(Of(StudyMethod.Trained))} | {Accuracy(Of(StudyMethod.Pca))} | {Share(Of(StudyMethod.Pca)?.ExplainedVariance)} | {Accuracy(Of(StudyMethod.PcaFineTuned))} | " +
                    $"{Seconds(Of(StudyMethod.Trained)?.EpochSeconds)} | {Seconds(Of(StudyMethod.PcaFineTuned)?.EpochSeconds)} | {(ratio.All(r => r.LedgersMatch) ? "= plan" : "DIFFERS")} |");
            }
        }

        FormatTables(options, rows, Line);

        var plotList = plots.ToList();
        if (plotList.Count > 0)
        {
            Line();
            Line("## Plots");
            foreach (var plot in plotList)
            {
                Line();
                Line($"![{plot}]({plot})");
            }
        }

        return text.ToString();
    }

    /// <summary>The format study: per network and cut the wires on the cut, then the weight exchange.</summary>
    private static void FormatTables(StudyOptions options, IReadOnlyList<SummaryRow> rows, Action<string> line)
    {
        var formats = rows.Where(r => r.Method == StudyMethod.Format).ToList();
        var exchange = rows.Where(r => r.Method == StudyMethod.Exchange).ToList();
        if (formats.Count == 0 && exchange.Count == 0)
        {
            return;
        }

        var axis = options.FormatStudy;
        line(string.Empty);
        line("## Fewer bits: wire formats on the cut and on the weight exchange");
        line(string.Empty);
        line(Inv($"No bottleneck (r = 1); trained from scratch as the trained rows (same images, epochs, learning rate and batch), seeds {(axis is null ? "—" : string.Join(", ", axis.Seeds))}. ") +
            "The cut's tensor and its gradient travel in the wire; adaptive: truncated from the start bits, one bit more after `interval` steps whose relative change of the watched layer's weight norm stays below the threshold, evaluated with the cut at the bits training ended at. " +
            "Forward B: bytes per sample across the cut in training, measured by the ledger (a fixed format: the plan's bytes exactly; adaptive: the mean over training); of Float32: the ledger's measured training bytes against the same transfers in Float32. " +
            "Float32 on the cut is the trained unsplit row (the same run), not run again. ★: on the Pareto front of the bottleneck and format rows together (forward bytes against mean accuracy). " +
            "Accuracy in % as mean ± standard deviation over seeds; Δ: against the Float32 row of the same seeds. Seconds per epoch on a shared machine: indicative only.");
        foreach (var cut in formats.GroupBy(r => (r.Network, r.Cut)))
        {
            var reference = cut.FirstOrDefault(r => r.Wire is { } w && StudyWire.Parse(w).IsFloat32);
            line(string.Empty);
            line(Inv($"### {cut.Key.Network}, {cut.Key.Cut} cut: formats"));
            line(string.Empty);
            line("| wire | forward B / sample | of Float32 | bits used (training) | accuracy | Δ points | s / epoch | ledger |");
            line("|---|---:|---:|---|---|---:|---:|---|");
            foreach (var row in cut)
            {
                var delta = reference is null ? "—" : Inv($"{100 * (row.Mean - reference.Mean):+0.00;-0.00;0.00}");
                line(Inv($"| {StudyWire.Parse(row.Wire!).Description} | {row.MeasuredForwardBytes:0.#} | {Share(row.Float32Share)} | {row.CutEncodings ?? "Float32"} | {Accuracy(row with { OnFront = row.OnCombinedFront })} | {delta} | {Seconds(row.EpochSeconds)} | {(row.LedgersMatch ? "= prediction" : "DIFFERS")} |"));
            }
        }

        foreach (var network in exchange.GroupBy(r => r.Network))
        {
            var reference = network.FirstOrDefault(r => r.Wire is { } w && StudyWire.Parse(w).IsFloat32);
            line(string.Empty);
            line(Inv($"### {network.Key}: weight exchange, R = {axis?.Replicas} replicas"));
            line(string.Empty);
            line(Inv($"The network split at its {network.First().Cut} cut (the cut in Float32), {axis?.Replicas} data-parallel replicas each on its share of every batch; each step the master's weights go to the other replica in the wire, the gradients come back in Float32. ") +
                "Bytes are the ledger's exchange count (apart from the cut's), which equals the compiler's prediction in every row (column ledger: cut and exchange); per step and per training sample. " +
                "These bytes are not the cut's bytes of the table above: a different quantity, plotted on its own axes.");
            line(string.Empty);
            line("| wire (weights) | weight B / step | exchange B / step | exchange B / sample | of Float32 (cut + exchange) | weight bits used | accuracy | Δ points | s / epoch | ledger |");
            line("|---|---:|---:|---:|---:|---|---|---:|---:|---|");
            foreach (var row in network)
            {
                var delta = reference is null ? "—" : Inv($"{100 * (row.Mean - reference.Mean):+0.00;-0.00;0.00}");
                line(Inv($"| {StudyWire.Parse(row.Wire!).Description} | {row.ExchangeWeightBytesPerStep:0.#} | {row.ExchangeBytesPerStep:0.#} | {row.ExchangeBytesPerSample:0.#} | {Share(row.Float32Share)} | {row.WeightEncodings} | {Accuracy(row)} | {delta} | {Seconds(row.EpochSeconds)} | {(row.LedgersMatch ? "= prediction" : "DIFFERS")} |"));
            }
        }
    }

    private static string Accuracy(SummaryRow? row) => row is null ? "—"
        : Inv($"{Percent(row.Mean)} ±{100 * row.Std:0.00} ({100 * row.Min:0.00}–{100 * row.Max:0.00}){(row.OnFront ? " ★" : string.Empty)}");

    private static string Percent(double accuracy) => Inv($"{100 * accuracy:0.00}");

    private static string Share(double? value) => value is double v ? Inv($"{100 * v:0.0} %") : "—";

    private static string Seconds(double? value) => value is double v ? Inv($"{v:0.0}") : "—";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
