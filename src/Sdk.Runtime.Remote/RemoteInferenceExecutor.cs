using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote;

/// <summary>
/// One chip's share of a model's inference, run by a chip host: every call becomes an operation of the session,
/// and only pack, output and synchronisation wait for the host.
/// </summary>
internal sealed class RemoteInferenceExecutor : InferenceExecutor
{
    private readonly RemoteChip _chip;
    private Dictionary<string, float[]> _weights = new(StringComparer.Ordinal);
    private RemoteSession? _session;

    public RemoteInferenceExecutor(RemoteChip chip, NetworkPlan plan, int planChip)
        : base(plan, planChip)
    {
        _chip = chip;
    }

    private RemoteSession Session => _session ?? throw new InvalidOperationException($"Chip {Chip} on host {_chip.Address}: the parameters were not loaded.");

    /// <summary>
    /// Keeps a copy of this chip's tensors (sent again after a reconnection, unchanged by later edits of the set, as
    /// a CPU chip's packed copy would be) and opens the session: the host checks the plan and, if it loaded weights
    /// itself, that they are these.
    /// </summary>
    public override void LoadParameters(ParameterSet parameters)
    {
        _weights = ChipWeights.Tensors(Plan, Chip).ToDictionary(t => t.Name, t => (float[])parameters[t.Name].Clone(), StringComparer.Ordinal);
        var hello = Messages.Create(Plan, Chip, training: false, ChipWeights.Sha256(Plan, Chip, name => _weights[name]));
        _session?.Dispose();
        _session = new RemoteSession(_chip, hello, OnOpen);
        _session.EnsureOpen();
    }

    private void OnOpen(Welcome welcome)
    {
        if (!welcome.HasWeights)
        {
            Messages.PostTensors(_session!, ChipWeights.Tensors(Plan, Chip), name => _weights[name]);
        }

        if (Batch > 0)
        {
            _session!.Post(new Op { Prepare = Batch });
        }
    }

    protected override void OnPrepare(int batch) => Session.Post(new Op { Prepare = batch });

    public override void WriteInput(ReadOnlySpan<float> input)
    {
        var bytes = MemoryMarshal.AsBytes(input);
        Session.Post(new Op { Input = ByteString.CopyFrom(bytes) }, bytes.Length);
    }

    public override void Compute(int layer) => Session.Post(new Op { Compute = layer });

    public override int Pack(int cut, CutDirection direction, Span<byte> wire)
    {
        RequireForward(direction, cut);
        var reply = Session.Call(new Op { Pack = new CutRef { Cut = cut } });
        return Messages.CopyCut(Session, reply, cut, wire);
    }

    public override void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire)
    {
        RequireForward(direction, cut);
        Session.Post(new Op { Unpack = new CutData { Cut = cut, Wire = ByteString.CopyFrom(wire) } }, wire.Length, cut: true);
    }

    public override void ReadOutput(int layer, Span<float> output)
    {
        var reply = Session.Call(new Op { ReadOutput = layer });
        Messages.CopyFloats(Session, reply, output, $"the output of layer '{Plan.Layers[layer].Name}'");
    }

    public override void Synchronize()
    {
        var reply = Session.Call(new Op { Sync = true });
        if (reply.KindCase != Reply.KindOneofCase.Done)
        {
            throw Session.Error(RemoteError.MalformedMessage, $"the host answered a sync with {reply.KindCase}");
        }
    }

    public override void Dispose() => _session?.Dispose();
}
