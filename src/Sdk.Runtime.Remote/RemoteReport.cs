using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Runtime.Remote;

/// <summary>
/// The remote chips of a chip set beside the ledger: per chip, the payload against the wire bytes (framing as a
/// percentage), and the measured link time (round trips less the host's own time) beside the time the declared
/// links of its cuts model. The ledger itself stays what the codecs wrote, equal to the plan.
/// </summary>
public static class RemoteReport
{
    public static string ToMarkdown(TrafficLedger ledger, ChipSet chips)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(chips);
        var md = new StringBuilder();
        md.Append("## Remote chips: payload and wire\n\n");
        md.Append("| chip | host | payload sent B | payload received B | of it cut B sent / received | wire sent B | wire received B | framing | round trips | round trips ms | host ms | link ms | modelled link ms |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (var c = 0; c < chips.Count; c++)
        {
            if (chips.Chips[c] is not RemoteChip remote)
            {
                continue;
            }

            var s = remote.Stats;
            var modelled = ledger.Cuts
                .Where(r => r.Cut.FromChip == c || r.Cut.ToChip == c)
                .Aggregate(TimeSpan.Zero, (sum, r) => Link.Sum(sum, r.Modelled));
            md.Append(CultureInfo.InvariantCulture,
                $"| {c} | {remote.Address} | {s.PayloadBytesSent} | {s.PayloadBytesReceived} | {s.CutBytesSent} / {s.CutBytesReceived} | {s.WireBytesSent} | {s.WireBytesReceived} | " +
                $"{s.FramingOverheadPercent:0.##} % | {s.RoundTrips} | {s.RoundTripTime.TotalMilliseconds:0.###} | {s.HostTime.TotalMilliseconds:0.###} | {s.LinkTime.TotalMilliseconds:0.###} | {modelled.TotalMilliseconds:0.###} |\n");
        }

        md.Append("\nPayload: tensor bytes (cut tensors in their wire format, inputs, outputs, parameters, gradients). Wire: every byte of the TCP connections (TLS, HTTP/2, gRPC, protobuf, operations). Link: round trips less the host's reported time. Modelled: the declared links of the chip's cuts, as in the ledger.\n");
        return md.ToString();
    }
}
