using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote.Hosting;

/// <summary>
/// The host's end of one session: one chip's executor (inference or training) on a chip of the host's kind, driven
/// by the caller's operations. Every operation is checked before it reaches the executor (the layer and cut are
/// this chip's, the lengths are the plan's for the batch), so a malformed message is a named error, never an index
/// out of range inside a kernel.
/// </summary>
internal sealed class HostSession : IDisposable
{
    private readonly HostedPlan _hosted;
    private readonly NetworkPlan _plan;
    private readonly int _chip;
    private readonly ChipDevice _device;
    private readonly InferenceExecutor? _inference;
    private readonly TrainingExecutor? _training;
    private readonly ParameterSet _parameters;
    private readonly Dictionary<string, float[]> _gradients = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tensors;
    private readonly string _expectedWeights;
    private bool _parametersLoaded;
    private int _batch;
    private byte[] _wire = Array.Empty<byte>();
    private float[] _floats = Array.Empty<float>();

    private HostSession(HostedPlan hosted, Hello hello, bool hostWeights)
    {
        _hosted = hosted;
        _plan = hosted.Plan;
        _chip = hello.Chip;
        _expectedWeights = hello.WeightsSha256;
        _tensors = ChipWeights.Tensors(_plan, _chip).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        _device = hosted.Kind.Create(0);
        try
        {
            if (hello.Training)
            {
                _parameters = new ParameterSet(_plan);
                foreach (var tensor in ChipWeights.Tensors(_plan, _chip).Where(t => t.Trainable))
                {
                    _gradients[tensor.Name] = new float[tensor.Elements];
                }

                _training = _device.CreateTraining(_plan, _chip, new TrainingState(_parameters, _gradients));
            }
            else
            {
                _parameters = hostWeights ? hosted.Weights! : new ParameterSet(_plan);
                _inference = _device.CreateInference(_plan, _chip, ChipPrograms.None);
                if (hostWeights)
                {
                    _inference.LoadParameters(_parameters);
                    _parametersLoaded = true;
                }
            }
        }
        catch
        {
            _device.Dispose();
            throw;
        }
    }

    public int Chip => _chip;

    /// <summary>Checks a caller's hello against what this host serves; opens the session or throws the named refusal.</summary>
    public static (HostSession Session, Welcome Welcome) Open(HostedPlan hosted, Hello hello)
    {
        var plan = hosted.Plan;
        if (hello.Protocol != Messages.Protocol)
        {
            throw RemoteErrors.Host(RemoteError.PlanMismatch, $"the caller speaks protocol {hello.Protocol}, this host {Messages.Protocol}");
        }

        if (hello.Network != plan.Name || hello.SpecSha256 != hosted.SpecSha256 || hello.PlanFingerprint != hosted.Fingerprint)
        {
            throw RemoteErrors.Host(
                RemoteError.PlanMismatch,
                $"the caller runs network '{hello.Network}' (spec {Short(hello.SpecSha256)}, plan fingerprint {hello.PlanFingerprint:x16}), this host serves '{plan.Name}' (spec {Short(hosted.SpecSha256)}, plan fingerprint {hosted.Fingerprint:x16})");
        }

        if (!hosted.Chips.Contains(hello.Chip))
        {
            throw RemoteErrors.Host(RemoteError.ChipNotServed, $"the caller asks for chip {hello.Chip} of '{plan.Name}', this host serves chip(s) {string.Join(", ", hosted.Chips)}");
        }

        // Weights loaded from a file pin what inference runs: a caller with other weights is refused, not obeyed.
        var hostWeights = false;
        if (!hello.Training && hosted.WeightsSha256.TryGetValue(hello.Chip, out var ours))
        {
            if (ours != hello.WeightsSha256)
            {
                throw RemoteErrors.Host(
                    RemoteError.WeightsMismatch,
                    $"chip {hello.Chip}'s weights on this host hash to {Short(ours)}, the caller's to {Short(hello.WeightsSha256)}");
            }

            hostWeights = true;
        }

        var session = new HostSession(hosted, hello, hostWeights);
        return (session, new Welcome
        {
            Host = hosted.HostName,
            Backend = session._device.Name,
            HasWeights = hostWeights,
            MaxMessageBytes = hosted.MaxMessageBytes,
        });
    }

    /// <summary>Runs one operation; appends its replies (none for most).</summary>
    public void Execute(Op op, List<Reply> replies)
    {
        if (op.KindCase != Op.KindOneofCase.Parameter)
        {
            EnsureParameters();
        }

        switch (op.KindCase)
        {
            case Op.KindOneofCase.Parameter:
                WriteParameter(op.Parameter);
                break;
            case Op.KindOneofCase.Prepare:
                _hosted.BatchLimit.Check(op.Prepare);
                _inference?.Prepare(op.Prepare);
                _training?.Prepare(op.Prepare);
                _batch = op.Prepare;
                break;
            case Op.KindOneofCase.Input:
                WriteInput(op.Input);
                break;
            case Op.KindOneofCase.Compute:
                Inference().Compute(Layer(op.Compute));
                break;
            case Op.KindOneofCase.Forward:
                Training().Forward(Layer(op.Forward.Layer), op.Forward.Seed, op.Forward.Step);
                break;
            case Op.KindOneofCase.Unpack:
                Endpoint().Unpack(Cut(op.Unpack.Cut, op.Unpack.Backward, sending: false), Direction(op.Unpack.Backward), op.Unpack.Wire.Span);
                break;
            case Op.KindOneofCase.Pack:
                replies.Add(new Reply { Cut = Pack(op.Pack) });
                break;
            case Op.KindOneofCase.ReadOutput:
                replies.Add(new Reply { Floats = ReadOutput(Layer(op.ReadOutput)) });
                break;
            case Op.KindOneofCase.Sync:
                _inference?.Synchronize();
                replies.Add(new Reply { Done = true });
                break;
            case Op.KindOneofCase.ReadLogits:
                replies.Add(new Reply { Floats = Floats(Training().ReadLogits(Logits(op.ReadLogits.Layer, op.ReadLogits.Input), op.ReadLogits.Input)) });
                break;
            case Op.KindOneofCase.BeginBackward:
                Training().BeginBackward();
                break;
            case Op.KindOneofCase.WriteLogitsGradient:
                WriteLogitsGradient(op.WriteLogitsGradient);
                break;
            case Op.KindOneofCase.Backward:
                Training().Backward(Layer(op.Backward));
                break;
            case Op.KindOneofCase.FetchState:
                FetchState(op.FetchState.Gradients, replies);
                break;
            default:
                throw Malformed($"operation {op.KindCase} is not allowed here");
        }
    }

    public void Dispose()
    {
        _inference?.Dispose();
        _training?.Dispose();
        _device.Dispose();
    }

    private static Grpc.Core.RpcException Malformed(string detail) => RemoteErrors.Host(RemoteError.MalformedMessage, detail);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash.Length == 0 ? "(none)" : hash;

    private static CutDirection Direction(bool backward) => backward ? CutDirection.Backward : CutDirection.Forward;

    private InferenceExecutor Inference() => _inference ?? throw Malformed("an inference operation in a training session");

    private TrainingExecutor Training() => _training ?? throw Malformed("a training operation in an inference session");

    private ICutEndpoint Endpoint()
    {
        RequireBatch();
        return (ICutEndpoint?)_inference ?? _training!;
    }

    private void RequireBatch()
    {
        if (_batch == 0)
        {
            throw Malformed("an operation on tensors before the batch size was set (prepare)");
        }
    }

    /// <summary>A plan layer of this chip.</summary>
    private int Layer(int layer)
    {
        RequireBatch();
        if (layer < 0 || layer >= _plan.Layers.Count || _plan.Layers[layer].Chip != _chip)
        {
            throw Malformed($"layer {layer} is not a layer of chip {_chip} of '{_plan.Name}'");
        }

        return layer;
    }

    /// <summary>A cut this chip sends (forward: its source; backward: its receiver) or receives in that direction.</summary>
    private int Cut(int cut, bool backward, bool sending)
    {
        if (cut < 0 || cut >= _plan.Cuts.Count)
        {
            throw Malformed($"'{_plan.Name}' has cuts 0 to {_plan.Cuts.Count - 1}; there is no cut {cut}");
        }

        if (backward && _training is null)
        {
            throw Malformed($"cut {cut}: inference sends no gradients");
        }

        var info = _plan.Cuts[cut];
        var end = sending != backward ? info.FromChip : info.ToChip;
        if (end != _chip)
        {
            throw Malformed($"chip {_chip} does not {(sending ? "send" : "receive")} cut {cut} ({info.From}, chip {info.FromChip} → {info.ToChip}) {(backward ? "backward" : "forward")}");
        }

        return cut;
    }

    private void WriteInput(ByteString input)
    {
        RequireBatch();
        var expected = (long)_batch * Shapes.Elements(_plan.InputShape) * sizeof(float);
        if (input.Length != expected)
        {
            throw Malformed($"the input of a batch of {_batch} takes {expected} bytes, but {input.Length} arrived");
        }

        if (!_plan.Layers.Any(l => l.Chip == _chip && l.Inputs.Contains(-1)))
        {
            throw Malformed($"chip {_chip} reads no network input");
        }

        var values = MemoryMarshal.Cast<byte, float>(input.Span);
        _inference?.WriteInput(values);
        _training?.WriteInput(values);
    }

    private ByteString Pack(CutRef cut)
    {
        RequireBatch();
        var index = Cut(cut.Cut, cut.Backward, sending: true);
        var info = _plan.Cuts[index];
        var capacity = (cut.Backward ? info.BackwardBytes(_batch) : info.ForwardBytes(_batch)) + 64;
        if (_wire.Length < capacity)
        {
            _wire = new byte[capacity];
        }

        var bytes = Endpoint().Pack(index, Direction(cut.Backward), _wire);
        return ByteString.CopyFrom(_wire, 0, bytes);
    }

    private ByteString ReadOutput(int layer)
    {
        var length = checked((int)(_batch * Shapes.Elements(_plan.Layers[layer].OutputShape)));
        if (_floats.Length != length)
        {
            _floats = new float[length];
        }

        Inference().ReadOutput(layer, _floats);
        return Floats(_floats);
    }

    private int Logits(int layer, int input)
    {
        Layer(layer);
        if (input < -1 || input >= _plan.Layers[layer].Inputs.Count)
        {
            throw Malformed($"layer {layer} has no input {input}");
        }

        return layer;
    }

    private void WriteLogitsGradient(LogitsGradient gradient)
    {
        var layer = Logits(gradient.Layer, gradient.Input);
        var expected = Training().ReadLogits(layer, gradient.Input).Length * sizeof(float);
        if (gradient.Gradient.Length != expected)
        {
            throw Malformed($"the logits' gradient takes {expected} bytes, but {gradient.Gradient.Length} arrived");
        }

        Training().WriteLogitsGradient(layer, gradient.Input, MemoryMarshal.Cast<byte, float>(gradient.Gradient.Span));
    }

    private void WriteParameter(TensorChunk chunk)
    {
        if (!_tensors.Contains(chunk.Name))
        {
            throw Malformed($"'{chunk.Name}' is not a parameter tensor of chip {_chip}");
        }

        if (_inference is not null && _parametersLoaded)
        {
            throw Malformed($"'{chunk.Name}': this session's weights are already loaded");
        }

        var target = _parameters[chunk.Name];
        var count = chunk.Values.Length / sizeof(float);
        if (chunk.Values.Length % sizeof(float) != 0 || chunk.Offset < 0 || chunk.Offset + count > target.Length)
        {
            throw Malformed($"a slice of '{chunk.Name}' at element {chunk.Offset} of {chunk.Values.Length} bytes is not within its {target.Length} float32 values");
        }

        MemoryMarshal.Cast<byte, float>(chunk.Values.Span).CopyTo(target.AsSpan((int)chunk.Offset));
    }

    /// <summary>Inference weights sent by the caller are loaded once all are here, and must be what its hello announced.</summary>
    private void EnsureParameters()
    {
        if (_inference is null || _parametersLoaded)
        {
            return;
        }

        var received = ChipWeights.Sha256(_plan, _chip, name => _parameters[name]);
        if (received != _expectedWeights)
        {
            throw RemoteErrors.Host(RemoteError.WeightsMismatch, $"the weights sent for chip {_chip} hash to {Short(received)}, but the hello announced {Short(_expectedWeights)} (a tensor missing or changed on the way)");
        }

        _inference.LoadParameters(_parameters);
        _parametersLoaded = true;
    }

    private void FetchState(bool gradients, List<Reply> replies)
    {
        Training();
        foreach (var tensor in ChipWeights.Tensors(_plan, _chip))
        {
            var (values, gradient) = tensor.Trainable ? (gradients ? _gradients[tensor.Name] : null, true) : (_parameters[tensor.Name], false);
            if (values is null)
            {
                continue;
            }

            for (var offset = 0; offset < values.Length; offset += Messages.ChunkFloats)
            {
                var chunk = new TensorChunk
                {
                    Name = tensor.Name,
                    Offset = offset,
                    Values = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan(offset, Math.Min(Messages.ChunkFloats, values.Length - offset)))),
                };
                replies.Add(gradient ? new Reply { Gradient = chunk } : new Reply { Buffer = chunk });
            }
        }

        replies.Add(new Reply { Done = true });
    }

    private static ByteString Floats(ReadOnlySpan<float> values) => ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
}
