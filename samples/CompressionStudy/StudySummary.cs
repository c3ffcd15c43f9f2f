using System;
using System.Collections.Generic;
using System.Linq;

namespace CompressionStudy;

/// <summary>One point of the study: a network, cut, method and ratio over its seeds.</summary>
/// <param name="Accuracies">Test accuracy of each seed, in seed order.</param>
/// <param name="OnFront">On the network's Pareto front of forward bytes against mean accuracy (every cut and method): no other point has fewer or equal bytes and a higher or equal accuracy, one of them strictly.</param>
/// <param name="Wire">Format and exchange rows: the wire (<see cref="StudyWire"/>); null for bottleneck rows.</param>
/// <param name="MeasuredForwardBytes">Forward bytes per sample across the cut: the plan's for a bottleneck row, training's measured mean (over seeds) for a format row (adaptive: at the bits of each step).</param>
/// <param name="OnCombinedFront">Format rows: on the Pareto front of the bottleneck and format rows together (measured forward bytes against mean accuracy).</param>
public sealed record SummaryRow(
    string Network, string Cut, StudyMethod Method, int Ratio, int Channels, int Width, int? SameAs,
    double[] Accuracies, long ForwardBytes, long BackwardBytes, double LinkMicroseconds,
    double? EpochSeconds, double? ExplainedVariance, bool LedgersMatch, bool OnFront,
    string? Wire = null, double MeasuredForwardBytes = 0, double? Float32Share = null, string? CutEncodings = null,
    double? ExchangeWeightBytesPerStep = null, double? ExchangeBytesPerStep = null, double? ExchangeBytesPerSample = null,
    string? WeightEncodings = null, string? SameAsKey = null, bool OnCombinedFront = false)
{
    public int[] Seeds { get; init; } = [];

    public double Mean => Accuracies.Average();

    public double Min => Accuracies.Min();

    public double Max => Accuracies.Max();

    /// <summary>The sample standard deviation over seeds (0 for one seed).</summary>
    public double Std => Accuracies.Length < 2 ? 0 : Math.Sqrt(Accuracies.Sum(a => (a - Mean) * (a - Mean)) / (Accuracies.Length - 1));
}

/// <summary>
/// For one network, cut and method: the largest ratio whose mean accuracy, and that of every smaller ratio, stays
/// within one point of the unsplit network's. Ratios that repeat a smaller ratio's plan (r ≥ C: one channel) are not
/// counted, so the headline names the narrowest plan, not a larger number for the same bytes.
/// </summary>
public sealed record Headline(string Network, string Cut, StudyMethod Method, double Unsplit, int? LargestRatio, double? Accuracy);

/// <summary>The study's rows averaged over seeds, with the Pareto front and the headline.</summary>
public static class StudySummary
{
    /// <summary>One accuracy point (0.01): the tolerance of the headline.</summary>
    public const double Point = 0.01;

    public static IReadOnlyList<SummaryRow> Of(IEnumerable<StudyResult> results)
    {
        static double? Mean(IEnumerable<double?> values) => values.All(v => v is not null) && values.Any() ? values.Average(v => v!.Value) : null;
        static string? Distinct(IEnumerable<string?> values) => values.All(v => v is null) ? null : string.Join("; ", values.Where(v => v is not null).Distinct());
        var rows = results
            .GroupBy(r => (r.Network, r.Cut, r.Method, r.Ratio, r.Wire))
            .Select(g =>
            {
                var first = g.OrderBy(r => r.Seed).First();
                var seconds = g.Where(r => r.EpochSeconds is not null).Select(r => r.EpochSeconds!.Value).ToList();
                var explained = g.Where(r => r.ExplainedVariance is not null).Select(r => r.ExplainedVariance!.Value).ToList();
                var wired = first.Wire is not null;
                return new SummaryRow(
                    first.Network, first.Cut, first.Method, first.Ratio, first.Channels, first.Width, first.SameAs,
                    g.OrderBy(r => r.Seed).Select(r => r.TestAccuracy).ToArray(), first.ForwardBytesPerSample, first.BackwardBytesPerSample, first.LinkMicroseconds,
                    seconds.Count == 0 ? null : seconds.Average(), explained.Count == 0 ? null : explained.Average(), g.All(r => r.LedgersMatchPlan), OnFront: false,
                    first.Wire,
                    wired && first.SameAsKey is null ? Mean(g.Select(r => r.MeasuredForwardBytesPerSample)) ?? first.ForwardBytesPerSample : first.ForwardBytesPerSample,
                    wired ? Mean(g.Select(r => r.Float32Bytes is long f && f > 0 ? (double?)(r.MeasuredTrainingBytes + (r.ExchangeWeightBytes ?? 0) + (r.ExchangeGradientBytes ?? 0)) / f : null)) : null,
                    Distinct(g.Select(r => r.CutEncodings)),
                    Mean(g.Select(r => r.ExchangeWeightBytes is long w && r.Steps is long n ? (double?)w / n : null)),
                    Mean(g.Select(r => r.ExchangeBytesPerStep)),
                    Mean(g.Select(r => r.ExchangeWeightBytes is long w && r.ExchangeGradientBytes is long b && r.TrainingSamples > 0 ? (double?)(w + b) / r.TrainingSamples : null)),
                    Distinct(g.Select(r => r.WeightEncodings)),
                    first.SameAsKey) { Seeds = g.Select(r => r.Seed).OrderBy(x => x).ToArray() };
            })
            .OrderBy(r => r.Network, StringComparer.Ordinal).ThenBy(r => r.Cut, StringComparer.Ordinal).ThenBy(r => r.Method).ThenBy(r => r.Ratio)
            .ThenBy(r => r.Wire is null ? -1 : Array.IndexOf(StudyWire.Defaults, r.Wire)).ThenBy(r => r.Wire, StringComparer.Ordinal)
            .ToList();

        // The bottleneck rows' front is theirs alone (as before the format study); the format rows are placed on the
        // front of both together, each at its measured bytes. Exchange rows count other bytes and are on neither.
        var cutRows = rows.Where(r => r.Wire is null || r.Method == StudyMethod.Format).ToList();
        return rows.Select(r => r.Wire is null
                ? r with { OnFront = r.SameAs is null && !rows.Where(o => o.Wire is null).Any(o => Dominates(o, r)) }
                : r with { OnCombinedFront = r.Method == StudyMethod.Format && !cutRows.Any(o => Dominates(o, r)) })
            .ToList();
    }

    public static IReadOnlyList<Headline> Headlines(IReadOnlyList<SummaryRow> rows)
    {
        var headlines = new List<Headline>();
        foreach (var cut in rows.Where(r => r.Wire is null).GroupBy(r => (r.Network, r.Cut)))
        {
            if (cut.FirstOrDefault(r => r.Method == StudyMethod.Trained && r.Ratio == 1) is not { } unsplit)
            {
                continue;
            }

            foreach (var method in cut.Select(r => r.Method).Distinct())
            {
                SummaryRow? best = null;
                foreach (var row in cut.Where(r => r.Method == method && r.Ratio > 1 && r.SameAs is null).OrderBy(r => r.Ratio))
                {
                    if (row.Mean < unsplit.Mean - Point)
                    {
                        break;
                    }

                    best = row;
                }

                headlines.Add(new Headline(cut.Key.Network, cut.Key.Cut, method, unsplit.Mean, best?.Ratio, best?.Mean));
            }
        }

        return headlines;
    }

    private static bool Dominates(SummaryRow a, SummaryRow b) =>
        a.Network == b.Network && a.SameAs is null && a.SameAsKey is null && !ReferenceEquals(a, b)
        && a.MeasuredForwardBytes <= b.MeasuredForwardBytes && a.Mean >= b.Mean && (a.MeasuredForwardBytes < b.MeasuredForwardBytes || a.Mean > b.Mean);
}
