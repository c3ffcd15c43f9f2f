using System;
using System.Diagnostics;
using System.IO;
using Sdk.Runtime.Backends;

namespace Sdk.Runtime;

/// <summary>
/// How every cut tensor travels, for <c>Run</c>, <c>RunPipelined</c> and training alike: the sending chip packs it
/// in the cut's wire encoding, the bytes cross, the receiving chip unpacks them (checking it got exactly the
/// encoding's layout), and the ledger records the bytes that crossed: the count the codec produced from the
/// tensor it was given, never the plan's figure. The compiler's count for the encoding in force only sizes the
/// buffer and is the prediction the ledger compares the measurement with.
/// </summary>
/// <remarks>
/// The encoding in force is the plan's, unless training's adaptive precision has moved a cut to another
/// (<see cref="SetEncoding"/>); the gradient travels back in that encoding's gradient format.
/// </remarks>
internal sealed class CutTransport
{
    /// <summary>
    /// Room beyond the plan's figure in a wire buffer, so a codec that writes a little more than the plan
    /// predicts is measured (and fails the ledger's comparison) instead of failing on a short buffer.
    /// </summary>
    private const int Slack = 64;

    private readonly NetworkPlan _plan;
    private readonly WireEncoding[] _encodings;
    private byte[] _buffer = Array.Empty<byte>();

    public CutTransport(NetworkPlan plan, TrafficLedger ledger)
    {
        _plan = plan;
        Ledger = ledger;
        _encodings = new WireEncoding[plan.Cuts.Count];
        for (var cut = 0; cut < _encodings.Length; cut++)
        {
            _encodings[cut] = plan.Cuts[cut].Encoding;
        }
    }

    public TrafficLedger Ledger { get; }

    /// <summary>The encoding <paramref name="cut"/>'s tensor travels in from now on (the plan's until set).</summary>
    public WireEncoding Encoding(int cut) => _encodings[cut];

    /// <summary>Sends <paramref name="cut"/> in <paramref name="encoding"/> from the next transfer on (its gradient in that encoding's gradient format).</summary>
    public void SetEncoding(int cut, WireEncoding encoding) => _encodings[cut] = encoding.Validate();

    /// <summary>Bytes a buffer must hold for one transfer of <paramref name="samples"/> samples over <paramref name="cut"/>.</summary>
    public int Capacity(int cut, CutDirection direction, int samples)
    {
        var predicted = _plan.Cuts[cut].Bytes(EncodingOf(cut, direction), samples);
        if (predicted > Array.MaxLength - Slack)
        {
            throw new InvalidOperationException(
                $"Network '{_plan.Name}', cut {cut} ({_plan.Cuts[cut].From} → chip {_plan.Cuts[cut].ToChip}): {samples} samples take {predicted} bytes on the wire, more than one transfer can carry ({Array.MaxLength - Slack}); use smaller batches or micro-batches.");
        }

        return (int)predicted + Slack;
    }

    /// <summary>Sends one cut sequentially: pack on the sender, unpack on the receiver, record.</summary>
    public void Transfer(int cut, CutDirection direction, int samples, ICutEndpoint sender, ICutEndpoint receiver, long[]? packTicks = null, long[]? unpackTicks = null)
    {
        var capacity = Capacity(cut, direction, samples);
        if (_buffer.Length < capacity)
        {
            _buffer = new byte[capacity];
        }

        var start = Stopwatch.GetTimestamp();
        var packet = Pack(cut, direction, sender, _buffer.AsSpan(0, capacity), start);
        var packed = Stopwatch.GetTimestamp();
        Unpack(packet, samples, receiver, _buffer.AsSpan(0, packet.Bytes));
        var end = Stopwatch.GetTimestamp();
        if (packTicks is not null && unpackTicks is not null)
        {
            var info = _plan.Cuts[cut];
            var (from, to) = direction == CutDirection.Forward ? (info.FromChip, info.ToChip) : (info.ToChip, info.FromChip);
            packTicks[from] += packed - start;
            unpackTicks[to] += end - packed;
        }
    }

    /// <summary>The sending half: packs into <paramref name="wire"/> and says what was written.</summary>
    public Packet Pack(int cut, CutDirection direction, ICutEndpoint sender, Span<byte> wire, long sentAt)
    {
        int bytes;
        var encoding = EncodingOf(cut, direction);
        try
        {
            bytes = sender.Pack(cut, direction, encoding, wire);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{Describe(cut, direction, encoding)}: packing failed: {e.Message}", e);
        }

        return new Packet(cut, direction, encoding, bytes, sentAt);
    }

    /// <summary>The receiving half: unpacks exactly the bytes sent and records them in the ledger.</summary>
    public void Unpack(Packet packet, int samples, ICutEndpoint receiver, ReadOnlySpan<byte> wire)
    {
        if (wire.Length != packet.Bytes)
        {
            throw new InvalidDataException($"{Describe(packet.Cut, packet.Direction, packet.Encoding)}: {packet.Bytes} bytes were sent, but {wire.Length} arrived.");
        }

        try
        {
            receiver.Unpack(packet.Cut, packet.Direction, packet.Encoding, wire);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Describe(packet.Cut, packet.Direction, packet.Encoding)}: {e.Message}", e);
        }

        var predicted = _plan.Cuts[packet.Cut].Bytes(packet.Encoding, samples);
        Ledger.Record(packet.Cut, packet.Direction, samples, packet.Encoding, predicted, packet.Bytes, Stopwatch.GetTimestamp() - packet.SentAt);
    }

    private WireEncoding EncodingOf(int cut, CutDirection direction) =>
        direction == CutDirection.Forward ? _encodings[cut] : WireFormats.Of(_encodings[cut]).GradientFormat;

    private string Describe(int cut, CutDirection direction, WireEncoding encoding)
    {
        var info = _plan.Cuts[cut];
        var what = direction == CutDirection.Forward ? "tensor" : "gradient";
        return $"Network '{_plan.Name}', cut {cut} ({info.From} → {string.Join(", ", info.To)}, chip {info.FromChip} → {info.ToChip}, {encoding}), {what}";
    }

    /// <summary>What a sender packed: the cut, the direction, the encoding, the bytes it wrote, and when it started (Stopwatch ticks).</summary>
    public readonly record struct Packet(int Cut, CutDirection Direction, WireEncoding Encoding, int Bytes, long SentAt);
}
