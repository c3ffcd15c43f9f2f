using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace Sdk.Runtime.Remote;

/// <summary>
/// What crossed between the caller and one remote chip, on two levels: the payload (tensor bytes the runtime
/// sent and received: cut tensors in their wire format, inputs, outputs, parameters, gradients) and the wire (every
/// byte of the TCP connection: payload plus protobuf, gRPC, HTTP/2 and TLS framing, and the operations). Time:
/// round trips as the caller waited for them, split into the host's own time (it reports how long it ran the
/// operations) and the rest, the network with its framing. Thread-safe; read after a run for exact figures.
/// </summary>
public sealed class RemoteChipStats
{
    private long _wireSent;
    private long _wireReceived;
    private long _payloadSent;
    private long _payloadReceived;
    private long _cutSent;
    private long _cutReceived;
    private long _roundTrips;
    private long _roundTripTicks; // Stopwatch ticks
    private long _hostTicks; // TimeSpan ticks
    private long _sessions;

    /// <summary>Bytes written to the TCP connection(s).</summary>
    public long WireBytesSent => Interlocked.Read(ref _wireSent);

    /// <summary>Bytes read from the TCP connection(s).</summary>
    public long WireBytesReceived => Interlocked.Read(ref _wireReceived);

    /// <summary>Tensor bytes sent: cut tensors, inputs, parameters, logit gradients.</summary>
    public long PayloadBytesSent => Interlocked.Read(ref _payloadSent);

    /// <summary>Tensor bytes received: cut tensors, outputs, logits, gradients, running statistics.</summary>
    public long PayloadBytesReceived => Interlocked.Read(ref _payloadReceived);

    /// <summary>Of the payload sent, the cut tensors (what the ledger counts for cuts into this chip).</summary>
    public long CutBytesSent => Interlocked.Read(ref _cutSent);

    /// <summary>Of the payload received, the cut tensors (what the ledger counts for cuts out of this chip).</summary>
    public long CutBytesReceived => Interlocked.Read(ref _cutReceived);

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Sessions opened: one per model or trainer, plus one per reconnection.</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    /// <summary>Time the caller waited for replies.</summary>
    public TimeSpan RoundTripTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _roundTripTicks));

    /// <summary>Of <see cref="RoundTripTime"/>, what the host reported running the operations.</summary>
    public TimeSpan HostTime => TimeSpan.FromTicks(Interlocked.Read(ref _hostTicks));

    /// <summary>Round trips less the host's time: the link (network, framing, both ends' gRPC stacks).</summary>
    public TimeSpan LinkTime => RoundTripTime - HostTime > TimeSpan.Zero ? RoundTripTime - HostTime : TimeSpan.Zero;

    /// <summary>Framing as a share of the payload: (wire − payload) / payload, in percent, both directions together.</summary>
    public double FramingOverheadPercent
    {
        get
        {
            var payload = PayloadBytesSent + PayloadBytesReceived;
            return payload == 0 ? 0 : 100.0 * (WireBytesSent + WireBytesReceived - payload) / payload;
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _wireSent, 0);
        Interlocked.Exchange(ref _wireReceived, 0);
        Interlocked.Exchange(ref _payloadSent, 0);
        Interlocked.Exchange(ref _payloadReceived, 0);
        Interlocked.Exchange(ref _cutSent, 0);
        Interlocked.Exchange(ref _cutReceived, 0);
        Interlocked.Exchange(ref _roundTrips, 0);
        Interlocked.Exchange(ref _roundTripTicks, 0);
        Interlocked.Exchange(ref _hostTicks, 0);
        Interlocked.Exchange(ref _sessions, 0);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"payload {PayloadBytesSent} B sent, {PayloadBytesReceived} B received; wire {WireBytesSent} B sent, {WireBytesReceived} B received ({FramingOverheadPercent:0.##} % framing); {RoundTrips} round trips, {RoundTripTime.TotalMilliseconds:0.###} ms (host {HostTime.TotalMilliseconds:0.###} ms, link {LinkTime.TotalMilliseconds:0.###} ms)");

    internal void AddWireSent(long bytes) => Interlocked.Add(ref _wireSent, bytes);

    internal void AddWireReceived(long bytes) => Interlocked.Add(ref _wireReceived, bytes);

    internal void AddPayloadSent(long bytes, bool cut)
    {
        Interlocked.Add(ref _payloadSent, bytes);
        if (cut)
        {
            Interlocked.Add(ref _cutSent, bytes);
        }
    }

    internal void AddPayloadReceived(long bytes, bool cut)
    {
        Interlocked.Add(ref _payloadReceived, bytes);
        if (cut)
        {
            Interlocked.Add(ref _cutReceived, bytes);
        }
    }

    internal void AddRoundTrip(long stopwatchTicks)
    {
        Interlocked.Increment(ref _roundTrips);
        Interlocked.Add(ref _roundTripTicks, stopwatchTicks);
    }

    internal void AddHostTicks(long ticks) => Interlocked.Add(ref _hostTicks, ticks);

    internal void AddSession() => Interlocked.Increment(ref _sessions);
}
