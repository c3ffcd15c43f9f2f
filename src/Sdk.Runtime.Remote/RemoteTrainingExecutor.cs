using System;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote;

/// <summary>
/// One chip's share of training, run by a chip host. The optimiser stays with the caller's trainer (one set of
/// parameters, one checkpoint): at the start of every pass the chip's parameters go to the host, and at its end
/// the host's gradients and BatchNorm running statistics come back into the trainer's arrays. That exchange is
/// parameter traffic, not cut traffic: the ledger does not count it, <see cref="RemoteChipStats"/> does.
/// </summary>
internal sealed class RemoteTrainingExecutor : TrainingExecutor
{
    private readonly TrainingState _state;
    private readonly RemoteSession _session;
    private float[] _logits = Array.Empty<float>();
    private bool _prepared;

    public RemoteTrainingExecutor(RemoteChip chip, NetworkPlan plan, int planChip, TrainingState state)
        : base(plan, planChip)
    {
        _state = state;
        ReadsInput = plan.Layers.Any(l => l.Chip == planChip && l.Inputs.Contains(-1));
        _session = new RemoteSession(chip, Messages.Create(plan, planChip, training: true, weightsSha256: string.Empty), OnOpen);
        _session.EnsureOpen();
    }

    public override bool ReadsInput { get; }

    private void OnOpen(Welcome welcome) => _prepared = false; // a new session knows no batch size yet

    /// <summary>The trainer prepares every chip at the start of every pass: the parameters of this step go to the host.</summary>
    public override void Prepare(int batch)
    {
        _session.EnsureOpen();
        if (batch != Batch || !_prepared)
        {
            _session.Post(new Op { Prepare = batch });
            Batch = batch;
            _prepared = true;
        }

        Messages.PostTensors(_session, ChipWeights.Tensors(Plan, Chip), name => _state.Parameters[name]);
    }

    public override void WriteInput(ReadOnlySpan<float> input)
    {
        var bytes = MemoryMarshal.AsBytes(input);
        _session.Post(new Op { Input = ByteString.CopyFrom(bytes) }, bytes.Length);
    }

    public override void Forward(int layer, int seed, long step) =>
        _session.Post(new Op { Forward = new Protocol.Forward { Layer = layer, Seed = seed, Step = step } });

    public override ReadOnlySpan<float> ReadLogits(int layer, int input)
    {
        var reply = _session.Call(new Op { ReadLogits = new LogitsRef { Layer = layer, Input = input } });
        var count = reply.Floats.Length / sizeof(float);
        if (_logits.Length != count)
        {
            _logits = new float[count];
        }

        Messages.CopyFloats(_session, reply, _logits, $"the logits of layer '{Plan.Layers[layer].Name}'");
        return _logits;
    }

    public override void BeginBackward() => _session.Post(new Op { BeginBackward = true });

    public override void WriteLogitsGradient(int layer, int input, ReadOnlySpan<float> gradient)
    {
        var bytes = MemoryMarshal.AsBytes(gradient);
        _session.Post(new Op { WriteLogitsGradient = new LogitsGradient { Layer = layer, Input = input, Gradient = ByteString.CopyFrom(bytes) } }, bytes.Length);
    }

    public override void Backward(int layer) => _session.Post(new Op { Backward = layer });

    public override int Pack(int cut, CutDirection direction, Span<byte> wire)
    {
        var reply = _session.Call(new Op { Pack = new CutRef { Cut = cut, Backward = direction == CutDirection.Backward } });
        return Messages.CopyCut(_session, reply, cut, wire);
    }

    public override void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire) =>
        _session.Post(new Op { Unpack = new CutData { Cut = cut, Backward = direction == CutDirection.Backward, Wire = ByteString.CopyFrom(wire) } }, wire.Length, cut: true);

    /// <summary>Brings the pass's results home: the gradients (after a backward pass) and the running statistics.</summary>
    public override void EndPass(bool backward)
    {
        var reply = _session.Call(new Op { FetchState = new FetchState { Gradients = backward } });
        while (reply.KindCase != Reply.KindOneofCase.Done)
        {
            var (chunk, target) = reply.KindCase switch
            {
                Reply.KindOneofCase.Gradient => (reply.Gradient, _state.Gradients.TryGetValue(reply.Gradient.Name, out var g) ? g : null),
                Reply.KindOneofCase.Buffer => (reply.Buffer, _state.Parameters.Contains(reply.Buffer.Name) && ChipOwns(reply.Buffer.Name) ? _state.Parameters[reply.Buffer.Name] : null),
                _ => (null, null),
            };
            var values = chunk is null ? ReadOnlySpan<float>.Empty : MemoryMarshal.Cast<byte, float>(chunk.Values.Span);
            if (chunk is null || target is null || chunk.Offset < 0 || chunk.Offset + values.Length > target.Length)
            {
                throw _session.Error(RemoteError.MalformedMessage, $"the host answered a state fetch with {reply.KindCase} '{chunk?.Name}' that is not a slice of a tensor of this chip");
            }

            values.CopyTo(target.AsSpan((int)chunk.Offset));
            _session.Stats.AddPayloadReceived(chunk.Values.Length, cut: false);
            reply = _session.Next();
        }
    }

    private bool ChipOwns(string tensor) => ChipWeights.Tensors(Plan, Chip).Any(t => t.Name == tensor);
}
