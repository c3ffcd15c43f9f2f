using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// The <see cref="CostModel"/> of a network that is not placed yet, as the placement solver asks for it: what
/// one chip costs when it runs a contiguous run of the declared layers, given the chips of the earlier layers
/// whose outputs the run reads. Everything that run fixes is counted here, exactly as the compiled plan will
/// count it: the chip's compute (its layers, the decoders of the cuts it receives and the encoders of the
/// narrowed tensors it sends; one encoder per ratio), its memory (parameters and the peak of its live
/// activations, by the same liveness rule as <see cref="ChipTotals"/>), and the links into it (and back, in
/// training). The placement stage checks the solver's optimum against the compiled plan's cost.
/// </summary>
internal sealed class PipelineCosts : Sdk.Placement.IPipelineCosts
{
    private readonly NetworkSpec _spec;
    private readonly List<ResolvedLayer> _layers;
    private readonly bool _training;
    private readonly long[] _flops;
    private readonly long[] _stored;
    private readonly long[] _outputBytes;
    private readonly List<int>[] _readers;
    private readonly int[][] _solverInputs;
    private readonly long[] _prefixFlops;
    private readonly double[] _speed;
    private readonly long[] _memoryBytes;
    private readonly LinkSpec?[,] _links;
    private readonly Dictionary<(int Start, int End), Run?> _runs = new();

    public PipelineCosts(NetworkSpec spec, List<ResolvedLayer> layers, bool training)
    {
        _spec = spec;
        _layers = layers;
        _training = training;
        var n = layers.Count;
        _flops = new long[n];
        _stored = new long[n];
        _outputBytes = new long[n];
        _readers = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();

        // The input arrives at the first layer's chip; a later reader of it depends, for the solver, on that
        // layer, so the first layer's chip is in every frontier the input crosses (RunCost finds it there).
        _solverInputs = layers.Select((l, i) => l.Inputs.Select(s => s < 0 && i > 0 ? 0 : s).Distinct().ToArray()).ToArray();
        for (var i = 0; i < n; i++)
        {
            var shapes = ShapesOf(i);
            var definition = layers[i].Definition;
            _flops[i] = Work(definition, shapes);
            _stored[i] = definition.Parameters(shapes).Sum(p => Shapes.Elements(p.Shape));
            _outputBytes[i] = 4 * Shapes.Elements(layers[i].Shape);
            foreach (var source in layers[i].Inputs.Distinct().Where(s => s >= 0))
            {
                _readers[source].Add(i);
            }
        }

        _prefixFlops = new long[n + 1];
        for (var i = 0; i < n; i++)
        {
            _prefixFlops[i + 1] = _prefixFlops[i] + _flops[i];
        }

        // Chips and links looked up by id: the solver asks millions of times.
        var chips = spec.Chips.Count == 0 ? 0 : spec.Chips.Max(c => c.Id) + 1;
        _speed = new double[chips];
        _memoryBytes = new long[chips];
        foreach (var chip in spec.Chips)
        {
            _speed[chip.Id] = chip.Gflops * 1e9;
            _memoryBytes[chip.Id] = chip.MemoryKiB * 1024;
        }

        _links = new LinkSpec?[chips, chips];
        foreach (var link in spec.Links)
        {
            _links[link.ChipA, link.ChipB] = link;
            _links[link.ChipB, link.ChipA] = link;
        }
    }

    public int Count => _layers.Count;

    /// <summary>True when the cost is training's (backward passes, gradients back over the links).</summary>
    public bool Training => _training;

    /// <summary>Declared layers <paramref name="i"/> reads (-1: the network input, for the first layer; later readers of the input read the first layer, where it arrives).</summary>
    public IReadOnlyList<int> Inputs(int i) => _solverInputs[i];

    /// <summary>The compute time alone of the run: a lower bound of <see cref="RunCost"/> that never decreases as <paramref name="end"/> grows.</summary>
    public double RunLowerBound(int start, int end, int chip) => (_prefixFlops[end] - _prefixFlops[start]) / _speed[chip];

    /// <summary>
    /// The max of chip <paramref name="chip"/>'s load when it runs declared layers [<paramref name="start"/>,
    /// <paramref name="end"/>) and of the loads of the links into it (and, in training, back), where
    /// <paramref name="frontierChips"/>[t] is the chip of <paramref name="frontier"/>[t] (every earlier layer the
    /// run reads); +infinity when the run does not fit the chip's memory, needs a link the network does not
    /// declare, or its readers of one cut ask for different settings.
    /// </summary>
    public double RunCost(int start, int end, int chip, ReadOnlySpan<int> frontier, ReadOnlySpan<int> frontierChips)
    {
        if (start == end)
        {
            return 0;
        }

        var run = RunOf(start, end);
        if (run is null || (_memoryBytes[chip] > 0 && run.MemoryBytes > _memoryBytes[chip]))
        {
            return double.PositiveInfinity;
        }

        // Links into the chip, summed per sending chip: the cuts are few, so a short list beats a table.
        Span<(int From, double Forward, double Backward)> links = stackalloc (int, double, double)[run.Incoming.Length];
        var count = 0;
        foreach (var cut in run.Incoming)
        {
            var from = frontierChips[frontier.IndexOf(Math.Max(cut.Source, 0))];
            var link = _links[from, chip];
            if (link is null && !_spec.Links.IsEmpty)
            {
                return double.PositiveInfinity; // no wire between these chips
            }

            var forward = link is null ? 0 : Partitioner.Modelled(link, cut.ForwardBytes);
            var backward = link is null || cut.Source < 0 ? 0 : Partitioner.Modelled(link, cut.BackwardBytes);
            var k = 0;
            while (k < count && links[k].From != from)
            {
                k++;
            }

            links[k] = k == count ? (from, forward, backward) : (from, links[k].Forward + forward, links[k].Backward + backward);
            count = Math.Max(count, k + 1);
        }

        var cost = run.Flops / _speed[chip];
        for (var k = 0; k < count; k++)
        {
            cost = Math.Max(cost, Math.Max(links[k].Forward, _training ? links[k].Backward : 0));
        }

        return cost;
    }

    /// <summary>What a run fixes: its chip's FLOPs and bytes (parameters and peak activations), and the modelled seconds of each link into it.</summary>
    internal sealed record RunFigures(long Flops, long MemoryBytes, Dictionary<int, (double Forward, double Backward)> LinkSeconds);

    /// <summary>The figures of a run on a chip, or null when it needs a link the network does not declare or its readers of one cut disagree (for tests).</summary>
    internal RunFigures? Figures(int start, int end, int chip, ReadOnlySpan<int> frontier, ReadOnlySpan<int> frontierChips)
    {
        var run = RunOf(start, end);
        if (run is null)
        {
            return null;
        }

        var links = new Dictionary<int, (double Forward, double Backward)>();
        foreach (var cut in run.Incoming)
        {
            var from = frontierChips[frontier.IndexOf(Math.Max(cut.Source, 0))];
            var link = _links[from, chip];
            if (link is null && !_spec.Links.IsEmpty)
            {
                return null;
            }

            var (forward, backward) = links.TryGetValue(from, out var sum) ? sum : (0, 0);
            links[from] = (forward + (link is null ? 0 : Partitioner.Modelled(link, cut.ForwardBytes)), backward + (link is null || cut.Source < 0 ? 0 : Partitioner.Modelled(link, cut.BackwardBytes)));
        }

        return new RunFigures(run.Flops, run.MemoryBytes, links);
    }

    /// <summary>
    /// What a run costs whatever chip takes it, worked out once per (start, end): its FLOPs and memory, and the cuts
    /// that arrive (their bytes on the wire). Null when the readers of one of those cuts ask for different settings.
    /// </summary>
    private sealed record Run(long Flops, long MemoryBytes, Cut[] Incoming);

    /// <summary>A cut into a run: its source layer (-1: the network input) and its bytes per sample forward and back.</summary>
    private readonly record struct Cut(int Source, long ForwardBytes, long BackwardBytes);

    private Run? RunOf(int start, int end)
    {
        if (!_runs.TryGetValue((start, end), out var run))
        {
            run = Summarise(start, end);
            _runs[(start, end)] = run;
        }

        return run;
    }

    private Run? Summarise(int start, int end)
    {
        long flops = _prefixFlops[end] - _prefixFlops[start], stored = 0;
        for (var i = start; i < end; i++)
        {
            stored += _stored[i];
        }

        // Cuts into the run: one per earlier layer it reads, with what its readers here ask for; the network
        // input crosses as it is (no bottleneck, no gradient back) unless the run holds the first layer.
        var incoming = new List<Incoming>();
        var cuts = new List<Cut>();
        var inputReaders = start == 0 ? new List<int>() : Enumerable.Range(start, end - start).Where(i => _layers[i].Inputs.Contains(-1)).ToList();
        if (inputReaders.Count > 0)
        {
            if (!Settings(inputReaders, out var ratio, out var format) || ratio > 1)
            {
                return null;
            }

            cuts.Add(new Cut(-1, WireFormats.Of(format).BytesPerSample(Shapes.Elements(_spec.InputShape)), 0));
        }

        for (var source = 0; source < start; source++)
        {
            var readers = _readers[source].Where(r => r >= start && r < end).ToList();
            if (readers.Count == 0)
            {
                continue;
            }

            if (!Settings(readers, out var ratio, out var format))
            {
                return null;
            }

            var narrowed = Narrowed(source, ratio);
            var definition = WireFormats.Of(format);
            cuts.Add(new Cut(
                source,
                definition.BytesPerSample(Shapes.Elements(narrowed)),
                WireFormats.Of(definition.GradientFormat).BytesPerSample(Shapes.Elements(narrowed))));
            if (ratio > 1)
            {
                var decoder = new LayerShapes(Pointwise.Arguments(_layers[source].Shape[0]), new[] { narrowed }, _layers[source].Shape);
                flops += Work(LayerDefinitions.Of(LayerKind.BottleneckDecoder), decoder);
                stored += LayerDefinitions.Of(LayerKind.BottleneckDecoder).Parameters(decoder).Sum(p => Shapes.Elements(p.Shape));
            }

            incoming.Add(new Incoming(source, readers, ratio, 4 * Shapes.Elements(narrowed)));
        }

        // Encoders of the narrowed tensors the run sends: one per ratio its later readers ask for.
        var encoders = new List<(int Source, long Bytes)>();
        for (var i = start; i < end; i++)
        {
            foreach (var ratio in _readers[i].Where(r => r >= end).Select(r => _layers[r].Spec.BottleneckRatio ?? 1).Where(r => r > 1).Distinct().OrderBy(r => r))
            {
                var narrowed = Narrowed(i, ratio);
                var encoder = new LayerShapes(Pointwise.Arguments(narrowed[0]), new[] { _layers[i].Shape }, narrowed);
                flops += Work(LayerDefinitions.Of(LayerKind.BottleneckEncoder), encoder);
                stored += LayerDefinitions.Of(LayerKind.BottleneckEncoder).Parameters(encoder).Sum(p => Shapes.Elements(p.Shape));
                encoders.Add((i, 4 * Shapes.Elements(narrowed)));
            }
        }

        return new Run(flops, (4 * stored) + PeakActivations(start, end, incoming, encoders), cuts.ToArray());
    }

    /// <summary>A cut into the run: its source, its readers here, its ratio, and the bytes (float32) of the tensor that arrives.</summary>
    private sealed record Incoming(int Source, List<int> Readers, int Ratio, long Bytes);

    /// <summary>
    /// The peak of the live float32 tensors on the chip over its steps, in plan order (each decoder right before
    /// its first reader, each encoder right after its source), by <see cref="ChipTotals"/>' rule: a tensor lives
    /// from the step that makes it (or from the first step, when it arrives over a cut) to the last step here that
    /// reads it; one read only elsewhere dies at once; one read nowhere (the network's output) lives to the end.
    /// </summary>
    private long PeakActivations(int start, int end, List<Incoming> incoming, List<(int Source, long Bytes)> encoders)
    {
        var tensors = new List<LocalTensor>();
        int New(long bytes, int born, bool readElsewhere)
        {
            tensors.Add(new LocalTensor { Bytes = bytes, Born = born, LastRead = -1, ReadElsewhere = readElsewhere });
            return tensors.Count - 1;
        }

        void Read(int tensor, int step) => tensors[tensor].LastRead = Math.Max(tensors[tensor].LastRead, step);

        var tensorOf = new Dictionary<int, int>(); // declared layer (-1: the network input) -> what its readers here read
        var receivedOf = new Dictionary<int, int>();
        foreach (var cut in incoming)
        {
            receivedOf[cut.Source] = New(cut.Bytes, 0, false);
            tensorOf[cut.Source] = receivedOf[cut.Source];
        }

        var step = 0;
        for (var i = start; i < end; i++)
        {
            foreach (var cut in incoming.Where(c => c.Ratio > 1 && c.Readers[0] == i))
            {
                Read(receivedOf[cut.Source], step);
                tensorOf[cut.Source] = New(_outputBytes[cut.Source], step, false);
                step++;
            }

            foreach (var source in _layers[i].Inputs)
            {
                if (source < 0 && !tensorOf.ContainsKey(-1))
                {
                    tensorOf[-1] = New(4 * Shapes.Elements(_spec.InputShape), 0, false);
                }

                Read(tensorOf[source], step);
            }

            var output = tensorOf[i] = New(_outputBytes[i], step, _readers[i].Any(r => r >= end));
            step++;
            foreach (var encoder in encoders.Where(e => e.Source == i))
            {
                Read(output, step);
                New(encoder.Bytes, step, true);
                step++;
            }
        }

        var delta = new long[step + 1];
        foreach (var t in tensors)
        {
            var dies = t.LastRead >= 0 ? t.LastRead : t.ReadElsewhere ? t.Born : step - 1;
            delta[t.Born] += t.Bytes;
            delta[dies + 1] -= t.Bytes;
        }

        long live = 0, peak = 0;
        for (var s = 0; s < step; s++)
        {
            live += delta[s];
            peak = Math.Max(peak, live);
        }

        return peak;
    }

    private sealed class LocalTensor
    {
        public long Bytes;
        public int Born;
        public int LastRead;
        public bool ReadElsewhere;
    }

    /// <summary>The ratio and format the readers of one cut ask for (unannotated readers accept them); false when they disagree.</summary>
    private bool Settings(List<int> readers, out int ratio, out WireEncoding format)
    {
        ratio = 1;
        format = WireFormat.Float32;
        int? askedRatio = null;
        WireEncoding? askedFormat = null;
        foreach (var reader in readers)
        {
            var spec = _layers[reader].Spec;
            if (spec.BottleneckRatio is { } r)
            {
                if (askedRatio is { } other && other != r)
                {
                    return false;
                }

                askedRatio = r;
            }

            if (spec.Transfer is { } f)
            {
                if (askedFormat is { } other && other != f)
                {
                    return false;
                }

                askedFormat = f;
            }
        }

        ratio = askedRatio ?? 1;
        format = askedFormat ?? WireFormat.Float32;
        return true;
    }

    private EquatableArray<int> Narrowed(int source, int ratio)
    {
        var shape = _layers[source].Shape.ToArray();
        shape[0] = (int)((shape[0] + (long)ratio - 1) / ratio);
        return EquatableArray<int>.Own(shape);
    }

    private LayerShapes ShapesOf(int i) =>
        new(_layers[i].Spec.Arguments, _layers[i].Inputs.Select(s => s < 0 ? _spec.InputShape : _layers[s].Shape).ToList(), _layers[i].Shape);

    private long Work(LayerDefinition definition, LayerShapes shapes) =>
        definition.Flops(shapes) + (_training ? definition.BackwardFlops(shapes) : 0);
}
