using System;
using System.Diagnostics;
using System.Linq;
using System.Numerics.Tensors;
using Sdk.Runtime.Ilgpu;

namespace Sdk.Runtime;

/// <summary>
/// A network compiled onto a chip set: each chip runs its share of the plan, every cut travels over a measured
/// link, and the ledger compares what crossed with what the plan predicted.
/// </summary>
/// <remarks>
/// <see cref="Run(ReadOnlySpan{float}, int)"/> is thread-safe: concurrent calls are serialised (one batch is on the
/// chips at a time), since the chips' buffers are shared. For throughput, batch the inputs or use the pipelined
/// executor. A run either returns the whole output or throws; nothing half-computed is returned.
/// </remarks>
public sealed class Model : IDisposable
{
    private readonly ChipSet _chips;
    private readonly ChipExecutor[] _executors;
    private readonly object _gate = new();
    private readonly int _outputLayer;
    private byte[] _wire = Array.Empty<byte>();
    private bool _disposed;

    private Model(NetworkPlan plan, ParameterSet parameters, ChipSet chips, Func<int, IlgpuChipProgram> programs, NanPolicy nanPolicy)
    {
        chips.ThrowIfDisposed();
        if (chips.Count != plan.Chips.Count)
        {
            throw new ArgumentException($"Network '{plan.Name}' is planned for {plan.Chips.Count} chips, but the chip set has {chips.Count}.", nameof(chips));
        }

        Plan = plan;
        NanPolicy = nanPolicy;
        _chips = chips;
        _outputLayer = plan.Layers.Count - 1;
        Ledger = new TrafficLedger(plan);
        _executors = new ChipExecutor[chips.Count];
        try
        {
            for (var c = 0; c < chips.Count; c++)
            {
                _executors[c] = chips.Chips[c].CreateExecutor(plan, c, programs);
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

    public NanPolicy NanPolicy { get; }

    /// <summary>Measured traffic of every cut since creation (or the last <see cref="TrafficLedger.Reset"/>).</summary>
    public TrafficLedger Ledger { get; }

    /// <summary>Per-sample output shape.</summary>
    public int[] OutputShape => Plan.Layers[_outputLayer].OutputShape;

    /// <summary>Compiles <paramref name="network"/> with its current parameters onto <paramref name="chips"/>.</summary>
    public static Model Create<TNetwork>(TNetwork network, ChipSet chips, NanPolicy nanPolicy = NanPolicy.Propagate)
        where TNetwork : INetwork
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(chips);
        var programs = TNetwork.CreateIlgpuPrograms();
        return new Model(TNetwork.Plan, network.Parameters, chips, chip => programs[chip], nanPolicy);
    }

    /// <summary>Runs a batch: <paramref name="input"/> holds batch x input shape values (NCHW); returns batch x output shape.</summary>
    public float[] Run(ReadOnlySpan<float> input, int batch)
    {
        var output = new float[batch * TensorShape.Elements(OutputShape)];
        Run(input, batch, output);
        return output;
    }

    /// <summary>Runs a tensor of shape [batch, ...input shape]; returns [batch, ...output shape].</summary>
    public Tensor<float> Run(Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lengths = input.Lengths;
        var expected = Plan.InputShape;
        if (lengths.Length != expected.Length + 1 || !lengths[1..].SequenceEqual(expected.Select(d => (nint)d).ToArray()))
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
        if (batch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Network '{Plan.Name}': the batch size must be positive.");
        }

        var inputLength = batch * TensorShape.Elements(Plan.InputShape);
        if (input.Length != inputLength)
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}' takes {inputLength} input values for a batch of {batch} (shape [{batch}, {string.Join(", ", Plan.InputShape)}]), but got {input.Length}.",
                nameof(input));
        }

        var outputLength = batch * TensorShape.Elements(OutputShape);
        if (output.Length != outputLength)
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}' writes {outputLength} output values for a batch of {batch} (layer '{Plan.Layers[_outputLayer].Name}', shape [{batch}, {string.Join(", ", OutputShape)}]), but the output span holds {output.Length}.",
                nameof(output));
        }

        if (NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(input, "the input");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            RunLocked(input, batch, output);
        }

        if (NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(output, $"the output of layer '{Plan.Layers[_outputLayer].Name}'");
        }
    }

    private void RunLocked(ReadOnlySpan<float> input, int batch, Span<float> output)
    {
        foreach (var executor in _executors)
        {
            executor.Prepare(batch);
        }

        foreach (var chip in Plan.Layers.Where(l => Array.IndexOf(l.Inputs, -1) >= 0).Select(l => l.Chip).Distinct())
        {
            _executors[chip].WriteInput(input);
        }

        // Sequential: the plan's execution order, each cut sent right after its source layer.
        foreach (var layer in Plan.Layers)
        {
            _executors[layer.Chip].Compute(layer.Index);
            foreach (var cut in Plan.Cuts)
            {
                if (cut.SourceLayer == layer.Index)
                {
                    Transfer(cut, batch);
                }
            }
        }

        _executors[Plan.Layers[_outputLayer].Chip].ReadOutput(_outputLayer, output);
        Ledger.CountForward(batch);
    }

    private void Transfer(CutInfo cut, int batch)
    {
        var bytes = checked((int)(cut.ForwardBytesPerSample * batch));
        if (_wire.Length < bytes)
        {
            _wire = new byte[bytes];
        }

        var wire = _wire.AsSpan(0, bytes);
        var start = Stopwatch.GetTimestamp();
        _executors[cut.FromChip].Send(cut.Index, wire);
        _executors[cut.ToChip].Receive(cut.Index, wire);
        Ledger.RecordForward(cut.Index, bytes, Stopwatch.GetTimestamp() - start);
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
        var index = IndexOfNaN(values);
        if (index >= 0)
        {
            throw new ArithmeticException($"NaN in {what} at element {index} (NanPolicy.Reject).");
        }
    }

    private static int IndexOfNaN(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                return i;
            }
        }

        return -1;
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
            foreach (var executor in _executors)
            {
                executor?.Dispose();
            }
        }
    }

    public override string ToString() => $"{Plan.Name} on {_chips}";
}
