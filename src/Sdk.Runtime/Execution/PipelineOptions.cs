using System;

namespace Sdk.Runtime;

/// <summary>How a pipelined run treats the declared links.</summary>
public enum LinkEmulation
{
    /// <summary>Transfers take what the host takes (pack, copy to a mailbox, unpack): no waiting.</summary>
    None,

    /// <summary>
    /// Each transfer over a declared link is held until the link's modelled time has passed: the receiving chip
    /// cannot unpack it before <c>start + latency + bytes / bandwidth</c>, where <c>start</c> is when the
    /// sender finished packing, or when the previous transfer on the same directed link arrived if that is
    /// later (one link carries one transfer at a time). The sender does not wait. Cuts between chips without a
    /// declared link are not held.
    /// </summary>
    Modelled,
}

/// <summary>Settings of <see cref="Model.RunPipelined(ReadOnlySpan{float}, int, Span{float}, PipelineOptions)"/>.</summary>
public sealed record PipelineOptions
{
    /// <summary>Samples per micro-batch (positive). The last micro-batch of a batch holds the remainder.</summary>
    public required int MicroBatch { get; init; }

    /// <summary>
    /// Micro-batches that may be in flight on one cut at once (sent and not yet received), at least 1: the
    /// mailbox of each cut has this many pooled slots of one micro-batch's wire bytes, so a chip that runs ahead
    /// of its receiver waits. 3 by default.
    /// </summary>
    public int MaxInFlight { get; init; } = 3;

    /// <summary>Whether transfers are held for the declared links' modelled time. <see cref="LinkEmulation.None"/> by default.</summary>
    public LinkEmulation Links { get; init; } = LinkEmulation.None;
}
