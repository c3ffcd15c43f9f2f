using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote;

/// <summary>What the inference and training executors say the same way: the hello, tensor uploads, replies copied out.</summary>
internal static class Messages
{
    /// <summary>Bumped when the protocol changes incompatibly; a host refuses other versions as a plan mismatch.</summary>
    public const int Protocol = 1;

    /// <summary>Parameter tensors travel in slices of this many floats (1 MiB), well within any message limit.</summary>
    public const int ChunkFloats = 1 << 18;

    public static Hello Create(NetworkPlan plan, int chip, bool training, string weightsSha256) => new()
    {
        Protocol = Protocol,
        Network = plan.Name,
        SpecSha256 = PlanFile.SpecSha256(plan.Spec),
        PlanFingerprint = PlanFingerprint.Of(plan),
        Chip = chip,
        Training = training,
        WeightsSha256 = weightsSha256,
    };

    public static void PostTensors(RemoteSession session, IEnumerable<ParameterInfo> tensors, Func<string, float[]> values)
    {
        foreach (var tensor in tensors)
        {
            var data = values(tensor.Name);
            for (var offset = 0; offset < data.Length; offset += ChunkFloats)
            {
                var slice = MemoryMarshal.AsBytes(data.AsSpan(offset, Math.Min(ChunkFloats, data.Length - offset)));
                session.Post(new Op { Parameter = new TensorChunk { Name = tensor.Name, Offset = offset, Values = ByteString.CopyFrom(slice) } }, slice.Length);
            }
        }
    }

    /// <summary>Copies a packed cut from a reply into the transport's buffer; returns its length (what the host's codec wrote).</summary>
    public static int CopyCut(RemoteSession session, Reply reply, int cut, Span<byte> wire)
    {
        if (reply.KindCase != Reply.KindOneofCase.Cut)
        {
            throw session.Error(RemoteError.MalformedMessage, $"the host answered the pack of cut {cut} with {reply.KindCase}");
        }

        var bytes = reply.Cut.Span;
        if (bytes.Length > wire.Length)
        {
            throw session.Error(RemoteError.MalformedMessage, $"cut {cut}: the host packed {bytes.Length} bytes, more than the {wire.Length} the plan allows");
        }

        bytes.CopyTo(wire);
        session.Stats.AddPayloadReceived(bytes.Length, cut: true);
        return bytes.Length;
    }

    public static void CopyFloats(RemoteSession session, Reply reply, Span<float> target, string what)
    {
        if (reply.KindCase != Reply.KindOneofCase.Floats || reply.Floats.Length != target.Length * sizeof(float))
        {
            throw session.Error(RemoteError.MalformedMessage, $"{what}: expected {target.Length * sizeof(float)} bytes of float32, the host sent {reply.KindCase} of {reply.Floats.Length} bytes");
        }

        MemoryMarshal.Cast<byte, float>(reply.Floats.Span).CopyTo(target);
        session.Stats.AddPayloadReceived(reply.Floats.Length, cut: false);
    }
}
