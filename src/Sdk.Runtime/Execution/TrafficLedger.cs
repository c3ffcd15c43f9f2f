using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Runtime;

/// <summary>
/// What every cut actually carried, beside what the plan predicted for the transfers that happened. Measured
/// bytes are what the codecs wrote and the receivers unpacked (<see cref="CutTransport"/>); predicted bytes are
/// the compiler's count for each transfer's samples in the encoding it travelled in (the plan's, or the precision
/// an adaptive policy had reached). A correct runtime makes the two agree to the byte. Data-parallel training's
/// weight exchange is counted apart, in <see cref="Exchange"/>.
/// </summary>
/// <remarks>
/// Recording is thread-safe (the pipelined executor records from every chip's thread): each record, count and
/// reset takes one lock. Reading while a run records sees each cut's figures as of some moment, not a snapshot
/// of all cuts together; read after the run for exact figures.
/// </remarks>
public sealed class TrafficLedger
{
    private readonly NetworkPlan _plan;
    private readonly CutRecord[] _cuts;
    private readonly LinkInfo?[] _cutLinks;
    private readonly Link?[] _forwardLinks;
    private readonly Link?[] _backwardLinks;
    private readonly object _gate = new();

    internal TrafficLedger(NetworkPlan plan)
    {
        _plan = plan;
        _cuts = plan.Cuts.Select(c => new CutRecord(c)).ToArray();
        // Forward pairs first, then the reverse pairs that carry the gradients back in training (none for the input).
        Links = plan.Cuts
            .Select(c => (c.FromChip, c.ToChip))
            .Concat(plan.Cuts.Where(c => !c.IsInput).Select(c => (FromChip: c.ToChip, ToChip: c.FromChip)))
            .Distinct()
            .Select(p => new Link(p.FromChip, p.ToChip, plan.Links.FirstOrDefault(l => l.Connects(p.FromChip, p.ToChip))))
            .ToArray();

        // Resolved once, so recording a transfer searches nothing.
        _cutLinks = plan.Cuts.Select(c => plan.Links.FirstOrDefault(l => l.Connects(c.FromChip, c.ToChip))).ToArray();
        _forwardLinks = plan.Cuts.Select(c => Links.FirstOrDefault(l => l.FromChip == c.FromChip && l.ToChip == c.ToChip)).ToArray();
        _backwardLinks = plan.Cuts.Select(c => Links.FirstOrDefault(l => l.FromChip == c.ToChip && l.ToChip == c.FromChip)).ToArray();
    }

    /// <summary>One entry per cut: measured bytes and time, forward and backward.</summary>
    public IReadOnlyList<CutRecord> Cuts => _cuts;

    /// <summary>The weight exchange between data-parallel replicas (training); zero without replicas.</summary>
    public ExchangeRecord Exchange { get; } = new();

    /// <summary>Bytes the cuts and the exchange carried.</summary>
    public long TotalBytes
    {
        get
        {
            lock (_gate)
            {
                return _cuts.Sum(c => c.ForwardBytes + c.BackwardBytes) + Exchange.Bytes;
            }
        }
    }

    /// <summary>What the same transfers (cuts and exchange) would have carried, every value as a float32.</summary>
    public long Float32Bytes
    {
        get
        {
            lock (_gate)
            {
                return _cuts.Sum(c => c.Float32Bytes) + Exchange.Float32Bytes;
            }
        }
    }

    /// <summary>
    /// One per ordered chip pair that carries a cut: a -> b for the tensors sent forward, then b -> a for their
    /// gradients sent back in training (zero bytes in inference).
    /// </summary>
    public IReadOnlyList<Link> Links { get; }

    /// <summary>Samples that went forward through the model since the last reset.</summary>
    public long ForwardSamples { get; private set; }

    /// <summary>Samples whose gradients came back (training) since the last reset.</summary>
    public long BackwardSamples { get; private set; }

    public long ForwardBytes
    {
        get
        {
            lock (_gate)
            {
                return _cuts.Sum(c => c.ForwardBytes);
            }
        }
    }

    public long BackwardBytes
    {
        get
        {
            lock (_gate)
            {
                return _cuts.Sum(c => c.BackwardBytes);
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            foreach (var cut in _cuts)
            {
                cut.Reset();
            }

            foreach (var link in Links)
            {
                link.Reset();
            }

            Exchange.Reset();

            ForwardSamples = 0;
            BackwardSamples = 0;
        }
    }

    internal void CountForward(int samples)
    {
        lock (_gate)
        {
            ForwardSamples += samples;
        }
    }

    internal void CountBackward(int samples)
    {
        lock (_gate)
        {
            BackwardSamples += samples;
        }
    }

    /// <summary>Predicted (the plan's bytes for every transfer's samples) against measured, per cut.</summary>
    public IReadOnlyList<TrafficComparison> Compare()
    {
        lock (_gate)
        {
            return _cuts
                .Select(c => new TrafficComparison(c.Cut, c.PredictedForwardBytes, c.ForwardBytes, c.PredictedBackwardBytes, c.BackwardBytes))
                .ToArray();
        }
    }

    /// <summary>True when every cut, and the exchange, carried exactly what the plan predicts for the transfers that happened.</summary>
    public bool MatchesPlan
    {
        get
        {
            lock (_gate)
            {
                return Compare().All(c => c.Matches) && Exchange.Matches;
            }
        }
    }

    public string ToMarkdown()
    {
        lock (_gate)
        {
            var md = new StringBuilder();
            md.Append(CultureInfo.InvariantCulture, $"## Traffic of {_plan.Name}: predicted vs measured ({ForwardSamples} samples forward, {BackwardSamples} backward)\n\n");
            md.Append("| cut | from → to | chips | format | predicted fwd B | measured fwd B | predicted bwd B | measured bwd B | equal | measured ms | modelled ms |\n");
            md.Append("|---|---|---|---|---:|---:|---:|---:|---|---:|---:|\n");
            foreach (var row in Compare())
            {
                var record = _cuts[row.Cut.Index];
                md.Append(CultureInfo.InvariantCulture,
                    $"| {row.Cut.Index} | {row.Cut.From} → {string.Join(", ", row.Cut.To)} | {row.Cut.FromChip} → {row.Cut.ToChip} | {record.Encodings} | " +
                    $"{row.PredictedForwardBytes} | {row.MeasuredForwardBytes} | {row.PredictedBackwardBytes} | {row.MeasuredBackwardBytes} | " +
                    $"{(row.Matches ? "yes" : "**no**")} | {record.Elapsed.TotalMilliseconds:0.###} | {record.Modelled.TotalMilliseconds:0.###} |\n");
            }

            if (Exchange.Transfers > 0)
            {
                md.Append('\n').Append(Exchange.ToMarkdown());
            }

            if (_cuts.Any(c => c.Float32Bytes != c.ForwardBytes + c.BackwardBytes) || Exchange.Transfers > 0)
            {
                var total = _cuts.Sum(c => c.ForwardBytes + c.BackwardBytes) + Exchange.Bytes;
                var float32 = _cuts.Sum(c => c.Float32Bytes) + Exchange.Float32Bytes;
                md.Append(CultureInfo.InvariantCulture,
                    $"\nMeasured {total} B in all (cuts and exchange), {(float32 == 0 ? 0 : 100.0 * total / float32):0.##} % of the {float32} B the same transfers take with every value a float32.\n");
            }

            return md.ToString();
        }
    }

    /// <summary>One transfer in <paramref name="encoding"/>: <paramref name="measured"/> bytes crossed where the compiler counts <paramref name="predicted"/>.</summary>
    internal void Record(int cut, Backends.CutDirection direction, int samples, WireEncoding encoding, long predicted, long measured, long elapsedTicks)
    {
        var backward = direction == Backends.CutDirection.Backward;
        var float32 = _plan.Cuts[cut].Bytes(WireFormat.Float32, samples);
        lock (_gate)
        {
            _cuts[cut].Add(encoding, predicted, measured, float32, elapsedTicks, backward, _cutLinks[cut]);
            (backward ? _backwardLinks : _forwardLinks)[cut]?.Record(measured, elapsedTicks);
        }
    }

    /// <summary>One tensor of the weight exchange, as <see cref="ExchangeRecord.Record"/> describes.</summary>
    internal void RecordExchange(bool gradient, WireEncoding encoding, long predicted, long measured, long float32)
    {
        lock (_gate)
        {
            Exchange.Record(gradient, encoding, predicted, measured, float32);
        }
    }

    /// <summary>Measured traffic of one cut.</summary>
    public sealed class CutRecord
    {
        internal CutRecord(CutInfo cut) => Cut = cut;

        public CutInfo Cut { get; }

        /// <summary>The encodings its tensor travelled in: the narrowest and the widest, here the first and the last (they differ when adaptive precision raised the bits).</summary>
        public EncodingRange Encodings { get; private set; }

        /// <summary>What the same transfers would have carried as float32, forward and backward.</summary>
        public long Float32Bytes { get; private set; }

        /// <summary>Bytes that crossed forward (what the codecs wrote).</summary>
        public long ForwardBytes { get; private set; }

        /// <summary>Bytes of gradients that crossed back (training).</summary>
        public long BackwardBytes { get; private set; }

        /// <summary>What the plan predicts for the forward transfers that happened.</summary>
        public long PredictedForwardBytes { get; private set; }

        /// <summary>What the plan predicts for the backward transfers that happened.</summary>
        public long PredictedBackwardBytes { get; private set; }

        public long Transfers { get; private set; }

        public TimeSpan Elapsed { get; private set; }

        public TimeSpan Modelled { get; private set; }

        internal void Add(WireEncoding encoding, long predicted, long measured, long float32, long elapsedTicks, bool backward, LinkInfo? link)
        {
            Float32Bytes += float32;
            if (backward)
            {
                BackwardBytes += measured;
                PredictedBackwardBytes += predicted;
            }
            else
            {
                ForwardBytes += measured;
                PredictedForwardBytes += predicted;
                Encodings = Encodings.With(encoding);
            }

            Transfers++;
            Elapsed += System.Diagnostics.Stopwatch.GetElapsedTime(0, elapsedTicks);
            Modelled = Link.Sum(Modelled, Link.ModelledTime(link, measured));
        }

        internal void Reset()
        {
            ForwardBytes = 0;
            BackwardBytes = 0;
            Float32Bytes = 0;
            Encodings = default;
            PredictedForwardBytes = 0;
            PredictedBackwardBytes = 0;
            Transfers = 0;
            Elapsed = TimeSpan.Zero;
            Modelled = TimeSpan.Zero;
        }
    }
}

/// <summary>One cut's predicted and measured bytes.</summary>
public sealed record TrafficComparison(CutInfo Cut, long PredictedForwardBytes, long MeasuredForwardBytes, long PredictedBackwardBytes, long MeasuredBackwardBytes)
{
    public bool Matches => PredictedForwardBytes == MeasuredForwardBytes && PredictedBackwardBytes == MeasuredBackwardBytes;
}
