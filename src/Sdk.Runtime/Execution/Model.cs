using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Numerics.Tensors;
using Sdk.Runtime.Backends;

namespace Sdk.Runtime;

/// <summary>
/// A network compiled onto a chip set: each chip runs its share of the plan, every cut travels over a measured
/// link, and the ledger compares what crossed with what the plan predicted.
/// </summary>
/// <remarks>
/// <see cref="Run(ReadOnlySpan{float}, int)"/> is thread-safe: concurrent calls are serialised (one batch is on the
/// chips at a time), since the chips' buffers are shared. For throughput, batch the inputs or use the pipelined
/// executor (<see cref="RunPipelined(ReadOnlySpan{float}, int, Span{float}, PipelineOptions)"/>), which streams
/// micro-batches through the chips so that every chip works at once. A run either returns the whole output or
/// throws; nothing half-computed is returned.
/// </remarks>
public sealed class Model : IDisposable
{
    private readonly ChipSet _chips;
    private readonly InferenceExecutor[] _executors;
    private readonly object _gate = new();
    private readonly int _outputLayer;
    private readonly int[] _inputCuts;
    private readonly int[][] _cutsBySource;
    private readonly CutTransport _transport;
    private readonly BatchLimit _batchLimit;
    private PipelineEngine? _pipeline;
    private bool _disposed;

    private Model(NetworkPlan plan, ParameterSet parameters, ChipSet chips, ChipPrograms programs, NanPolicy nanPolicy)
    {
        chips.ThrowIfDisposed();
        if (chips.Count != plan.Chips.Count)
        {
            throw new ArgumentException($"Network '{plan.Name}' is planned for {plan.Chips.Count} chips, but the chip set has {chips.Count}.", nameof(chips));
        }

        if (!ReferenceEquals(parameters.Plan, plan) && !parameters.Fits(plan))
        {
            throw new ArgumentException($"The parameters are those of network '{parameters.Plan.Name}', which does not have the parameter tensors of '{plan.Name}'.", nameof(parameters));
        }

        Plan = plan;
        NanPolicy = nanPolicy;
        _chips = chips;
        _outputLayer = plan.Layers.Count - 1;
        _inputCuts = plan.Cuts.Where(c => c.IsInput).Select(c => c.Index).ToArray();
        _cutsBySource = plan.Layers.Select(l => plan.Cuts.Where(c => c.SourceLayer == l.Index).Select(c => c.Index).ToArray()).ToArray();
        _batchLimit = new BatchLimit(plan);
        Ledger = new TrafficLedger(plan);
        _transport = new CutTransport(plan, Ledger);
        _executors = new InferenceExecutor[chips.Count];
        try
        {
            for (var c = 0; c < chips.Count; c++)
            {
                _executors[c] = chips.Chips[c].CreateInference(plan, c, programs);
                _executors[c].LoadParameters(parameters);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetworkPlan Plan { get; }

    /// <summary>The executor of chip <paramref name="chip"/> (tests look at what it planned).</summary>
    internal InferenceExecutor Executor(int chip) => _executors[chip];

    public NanPolicy NanPolicy { get; }

    /// <summary>Measured traffic of every cut since creation (or the last <see cref="TrafficLedger.Reset"/>).</summary>
    public TrafficLedger Ledger { get; }

    /// <summary>Per-sample output shape.</summary>
    public EquatableArray<int> OutputShape => Plan.Layers[_outputLayer].OutputShape;

    /// <summary>Compiles <paramref name="network"/> with its current parameters onto <paramref name="chips"/>.</summary>
    public static Model Create<TNetwork>(TNetwork network, ChipSet chips, NanPolicy nanPolicy = NanPolicy.Propagate)
        where TNetwork : INetwork
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(chips);
        return new Model(TNetwork.Plan, network.Parameters, chips, TNetwork.Programs, nanPolicy);
    }

    /// <summary>
    /// Runs <paramref name="plan"/> (a plan made at run time: a variant, an imported network) with
    /// <paramref name="parameters"/> on <paramref name="chips"/>. Backends that need the generator's compiled kernels
    /// (ILGPU) decline such a plan with a named error.
    /// </summary>
    public static Model Create(NetworkPlan plan, ParameterSet parameters, ChipSet chips, NanPolicy nanPolicy = NanPolicy.Propagate)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(chips);
        return new Model(plan, parameters, chips, ChipPrograms.None, nanPolicy);
    }

    /// <summary>Runs a batch: <paramref name="input"/> holds batch x input shape values (NCHW); returns batch x output shape.</summary>
    public float[] Run(ReadOnlySpan<float> input, int batch)
    {
        _batchLimit.Check(batch);
        var output = new float[batch * Shapes.Elements(OutputShape)];
        Run(input, batch, output);
        return output;
    }

    /// <summary>Runs a tensor of shape [batch, ...input shape]; returns [batch, ...output shape].</summary>
    public Tensor<float> Run(Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lengths = input.Lengths;
        var expected = Plan.InputShape;
        if (lengths.Length != expected.Count + 1 || !lengths[1..].SequenceEqual(expected.Select(d => (nint)d).ToArray()))
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}' takes input of shape [batch, {string.Join(", ", expected)}], but the tensor has shape [{string.Join(", ", lengths.ToArray())}].",
                nameof(input));
        }

        var batch = (int)lengths[0];
        var values = new float[input.FlattenedLength];
        input.FlattenTo(values);
        var output = Run(values, batch);
        return Tensor.Create(output, new nint[] { batch }.Concat(OutputShape.Select(d => (nint)d)).ToArray());
    }

    /// <summary>Runs a batch into <paramref name="output"/> (batch x output shape values).</summary>
    public void Run(ReadOnlySpan<float> input, int batch, Span<float> output)
    {
        Validate(input, batch, output);
        if (NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(input, "the input");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            RunLocked(input, batch, output, null);
        }

        if (NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(output, $"the output of layer '{Plan.Layers[_outputLayer].Name}'");
        }
    }

    /// <summary>
    /// Runs a batch as <see cref="Run(ReadOnlySpan{float}, int)"/> does (every chip, every cut, counted by the ledger)
    /// and returns the output of the layer named <paramref name="layer"/> instead of the network's: batch x that
    /// layer's shape, in the inference form (BatchNorm folded, no dropout). A cut's source, say, to calibrate a
    /// bottleneck on the tensor that crosses.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The plan has no layer of that name.</exception>
    /// <exception cref="ArgumentException">Inference folds a BatchNorm into the layer, so its own output is never computed (the message names the BatchNorm to read).</exception>
    public float[] RunTo(string layer, ReadOnlySpan<float> input, int batch)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var info = Plan.Layer(layer);
        if (Plan.Layers.FirstOrDefault(l => l.FoldedInto == info.Index) is { } folded)
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}': inference folds BatchNorm '{folded.Name}' into layer '{layer}', so the output of '{layer}' alone is never computed; read '{folded.Name}'.", nameof(layer));
        }

        _batchLimit.Check(batch);
        var output = new float[batch * Shapes.Elements(OutputShape)];
        var values = new float[batch * Shapes.Elements(info.OutputShape)];
        Validate(input, batch, output);
        lock (_gate)
        {
            ThrowIfDisposed();
            RunLocked(input, batch, output, null);
            _executors[info.Chip].ReadOutput(info.Index, values);
        }

        return values;
    }

    /// <summary>
    /// Runs a batch pipelined: it is split into micro-batches of <see cref="PipelineOptions.MicroBatch"/> samples
    /// (the last one holds the remainder) that stream through the chips, one worker thread per chip, so that
    /// every chip works at once. Returns batch x output shape values, equal to what <see cref="Run(ReadOnlySpan{float}, int)"/>
    /// returns for the same micro-batches one by one.
    /// </summary>
    public float[] RunPipelined(ReadOnlySpan<float> input, int batch, PipelineOptions options)
    {
        _batchLimit.Check(batch);
        var output = new float[batch * Shapes.Elements(OutputShape)];
        RunPipelined(input, batch, output, options);
        return output;
    }

    /// <summary>
    /// Runs a batch pipelined into <paramref name="output"/> (batch x output shape values) and returns what the run
    /// did and how long it took.
    /// </summary>
    /// <remarks>
    /// Chip <c>c</c>'s worker walks the micro-batches in order; for each it runs the chip's layers in plan order,
    /// waits for each cut it reads (its wire bytes arrive in that cut's mailbox from the sending chip's worker)
    /// and posts each cut it sends right after the cut's source layer. A cut's mailbox holds at most
    /// <see cref="PipelineOptions.MaxInFlight"/> micro-batches; its byte arrays are pooled by the model, so after
    /// the first run of a micro-batch size nothing is allocated per micro-batch. Each chip keeps its own buffers
    /// (those of the micro-batch size). Outputs are written in place, in order. The ledger counts every transfer
    /// exactly as a sequential run does. Like <see cref="Run(ReadOnlySpan{float}, int, Span{float})"/>, a pipelined run
    /// holds the model's lock: runs on one model never overlap. If a chip fails, every worker stops and a
    /// <see cref="PipelineRunException"/> says which micro-batches were written to the output and which failed, with
    /// the first failure as its inner exception.
    /// </remarks>
    public PipelineRunStats RunPipelined(ReadOnlySpan<float> input, int batch, Span<float> output, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MicroBatch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MicroBatch, $"Network '{Plan.Name}': the micro-batch size must be positive, but PipelineOptions.MicroBatch is {options.MicroBatch}.");
        }

        if (options.MaxInFlight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxInFlight, $"Network '{Plan.Name}': at least one micro-batch must be allowed in flight per cut, but PipelineOptions.MaxInFlight is {options.MaxInFlight}.");
        }

        if (!Enum.IsDefined(options.Links))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Links, $"Network '{Plan.Name}': unknown link emulation {options.Links}.");
        }

        Validate(input, batch, output);
        if (NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(input, "the input");
        }

        PipelineRunStats stats;
        lock (_gate)
        {
            ThrowIfDisposed();
            _pipeline ??= new PipelineEngine(Plan, _executors, _transport);
            stats = _pipeline.Run(input, batch, output, options);
        }

        if (NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(output, $"the output of layer '{Plan.Layers[_outputLayer].Name}'");
        }

        return stats;
    }

    /// <summary>
    /// Runs a batch sequentially, like <see cref="Run(ReadOnlySpan{float}, int, Span{float})"/>, and adds to
    /// <paramref name="computeTicks"/> (per chip) the Stopwatch ticks of its layers, each followed by a
    /// synchronisation of the chip, and to <paramref name="codecTicks"/> those of packing its outgoing and
    /// unpacking its incoming cuts. For calibrating a <see cref="PipelineForecast"/>.
    /// </summary>
    internal void RunTimed(ReadOnlySpan<float> input, int batch, Span<float> output, long[] computeTicks, long[] codecTicks)
    {
        Validate(input, batch, output);
        lock (_gate)
        {
            ThrowIfDisposed();
            RunLocked(input, batch, output, (computeTicks, codecTicks, null));
        }
    }

    /// <summary>
    /// Where a sequential run spends its time: runs the batch <paramref name="calls"/> times (after one warm-up call)
    /// and returns each layer's median seconds per call, in plan order, each layer followed by a synchronisation of
    /// its chip (so the figures add up to a little more than an unprofiled run). A layer a CPU chip runs inside another
    /// (a folded BatchNorm, a fused max pool or Add, a shortcut run just before the convolution that adds it) shows
    /// (almost) no time; the other layer's includes it. For finding the slow layer, not for throughput figures.
    /// </summary>
    public double[] ProfileLayers(ReadOnlySpan<float> input, int batch, int calls = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        var output = new float[batch * Shapes.Elements(OutputShape)];
        Validate(input, batch, output);
        var samples = new double[Plan.Layers.Count][];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = new double[calls];
        }

        var compute = new long[_executors.Length];
        var codec = new long[_executors.Length];
        var layers = new long[Plan.Layers.Count];
        lock (_gate)
        {
            ThrowIfDisposed();
            RunLocked(input, batch, output, (compute, codec, layers));
            for (int call = 0; call < calls; call++)
            {
                Array.Clear(layers);
                RunLocked(input, batch, output, (compute, codec, layers));
                for (int i = 0; i < layers.Length; i++)
                {
                    samples[i][call] = (double)layers[i] / Stopwatch.Frequency;
                }
            }
        }

        return samples.Select(s =>
        {
            Array.Sort(s);
            return s[s.Length / 2];
        }).ToArray();
    }

    private void Validate(ReadOnlySpan<float> input, int batch, Span<float> output)
    {
        _batchLimit.Check(batch);

        var inputLength = batch * Shapes.Elements(Plan.InputShape);
        if (input.Length != inputLength)
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}' takes {inputLength} input values for a batch of {batch} (shape [{batch}, {string.Join(", ", Plan.InputShape)}]), but got {input.Length}.",
                nameof(input));
        }

        var outputLength = batch * Shapes.Elements(OutputShape);
        if (output.Length != outputLength)
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}' writes {outputLength} output values for a batch of {batch} (layer '{Plan.Layers[_outputLayer].Name}', shape [{batch}, {string.Join(", ", OutputShape)}]), but the output span holds {output.Length}.",
                nameof(output));
        }
    }

    private void RunLocked(ReadOnlySpan<float> input, int batch, Span<float> output, (long[] Compute, long[] Codec, long[]? Layers)? timing)
    {
        foreach (var executor in _executors)
        {
            executor.Prepare(batch);
        }

        // The input arrives at one chip, which sends it on to every other chip that reads it.
        _executors[Plan.InputChip].WriteInput(input);
        foreach (var cut in _inputCuts)
        {
            _transport.Transfer(cut, CutDirection.Forward, batch, _executors[Plan.InputChip], _executors[Plan.Cuts[cut].ToChip], timing?.Codec, timing?.Codec);
        }

        // Sequential: the plan's execution order, each cut sent right after its source layer. Plain loops over
        // arrays: a run allocates nothing (interface enumerators would box).
        for (var index = 0; index < Plan.Layers.Count; index++)
        {
            var layer = Plan.Layers[index];
            var start = timing is null ? 0 : Stopwatch.GetTimestamp();
            _executors[layer.Chip].Compute(layer.Index);
            if (timing is { } t)
            {
                _executors[layer.Chip].Synchronize();
                long ticks = Stopwatch.GetTimestamp() - start;
                t.Compute[layer.Chip] += ticks;
                if (t.Layers is { } perLayer)
                {
                    perLayer[index] += ticks;
                }
            }

            foreach (var cut in _cutsBySource[index])
            {
                var info = Plan.Cuts[cut];
                _transport.Transfer(cut, CutDirection.Forward, batch, _executors[info.FromChip], _executors[info.ToChip], timing?.Codec, timing?.Codec);
            }
        }

        _executors[Plan.Layers[_outputLayer].Chip].ReadOutput(_outputLayer, output);
        Ledger.CountForward(batch);
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _chips.ThrowIfDisposed();
        foreach (var chip in _chips.Chips)
        {
            chip.ThrowIfDisposed();
        }
    }

    private static void RejectNaN(ReadOnlySpan<float> values, string what)
    {
        var index = NanPolicies.IndexOfNaN(values);
        if (index >= 0)
        {
            throw new ArithmeticException($"NaN in {what} at element {index} (NanPolicy.Reject).");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _pipeline?.Dispose();
            foreach (var executor in _executors)
            {
                executor?.Dispose();
            }
        }
    }

    public override string ToString() => $"{Plan.Name} on {_chips}";
}
