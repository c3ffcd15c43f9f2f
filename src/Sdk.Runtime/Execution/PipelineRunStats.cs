using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Sdk.Runtime;

/// <summary>What one pipelined run did and how long it took.</summary>
/// <param name="Samples">Samples run (the batch).</param>
/// <param name="MicroBatch">Samples per micro-batch (the last one may hold fewer).</param>
/// <param name="MicroBatches">Micro-batches run.</param>
/// <param name="MaxInFlight">Mailbox slots per cut.</param>
/// <param name="Links">Whether transfers were held for the declared links' modelled time.</param>
/// <param name="Elapsed">Wall time from starting the chip workers to the last one finishing.</param>
/// <param name="Chips">Per chip, the host time its worker spent in each kind of work.</param>
public sealed record PipelineRunStats(
    int Samples,
    int MicroBatch,
    int MicroBatches,
    int MaxInFlight,
    LinkEmulation Links,
    TimeSpan Elapsed,
    IReadOnlyList<PipelineChipStats> Chips)
{
    /// <summary>Measured throughput: samples / elapsed seconds.</summary>
    public double SamplesPerSecond => Samples / Elapsed.TotalSeconds;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture,
            $"Pipelined run: {Samples} samples in {MicroBatches} micro-batches of {MicroBatch}, {MaxInFlight} in flight per cut, links {Links}: {Elapsed.TotalMilliseconds:0.#} ms, {SamplesPerSecond:0.##} samples/s\n\n");
        md.Append("| chip | compute ms | pack ms | unpack ms | waiting ms | busy % |\n|---:|---:|---:|---:|---:|---:|\n");
        foreach (var chip in Chips)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {chip.Chip} | {chip.Compute.TotalMilliseconds:0.#} | {chip.Send.TotalMilliseconds:0.##} | {chip.Receive.TotalMilliseconds:0.##} | {chip.Waiting.TotalMilliseconds:0.#} | {100 * chip.Busy.TotalSeconds / Elapsed.TotalSeconds:0} |\n");
        }

        return md.ToString();
    }
}

/// <summary>Host time one chip's worker spent in a pipelined run (on an asynchronous backend, the time of the calls).</summary>
/// <param name="Compute">Its layers, plus writing the network input and reading the network output.</param>
/// <param name="Send">Packing its outgoing cuts into the mailboxes.</param>
/// <param name="Receive">Unpacking its incoming cuts.</param>
/// <param name="Waiting">Blocked: for an incoming cut not yet posted (or held by link emulation), or for a free mailbox slot.</param>
public sealed record PipelineChipStats(int Chip, TimeSpan Compute, TimeSpan Send, TimeSpan Receive, TimeSpan Waiting)
{
    /// <summary>Compute + pack + unpack.</summary>
    public TimeSpan Busy => Compute + Send + Receive;
}
