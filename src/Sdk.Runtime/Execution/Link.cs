using System;
using System.Diagnostics;

namespace Sdk.Runtime;

/// <summary>
/// The wire between two chips as the runtime uses it: counts every byte moved (device to host to device),
/// the elapsed time, and the time the declared link (bandwidth, latency) would have taken, so slow chip I/O
/// can be studied on a fast machine.
/// </summary>
public sealed class Link
{
    internal Link(int fromChip, int toChip, LinkInfo? declared)
    {
        FromChip = fromChip;
        ToChip = toChip;
        Declared = declared;
    }

    public int FromChip { get; }

    public int ToChip { get; }

    /// <summary>The declared link, or null when the network declares none between these chips.</summary>
    public LinkInfo? Declared { get; }

    public long Bytes { get; private set; }

    public long Transfers { get; private set; }

    /// <summary>Measured wall time of the transfers (pack, copies, unpack).</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Sum over transfers of the declared link's latency + bytes / bandwidth; zero without a declared link.</summary>
    public TimeSpan Modelled { get; private set; }

    internal void Record(long bytes, long elapsedTicks)
    {
        Bytes += bytes;
        Transfers++;
        Elapsed += Stopwatch.GetElapsedTime(0, elapsedTicks);
        Modelled = Sum(Modelled, ModelledTime(Declared, bytes));
    }

    /// <summary>
    /// The declared link's time for one transfer (latency + bytes / bandwidth), zero without a link; saturates at
    /// <see cref="TimeSpan.MaxValue"/> rather than overflowing for extreme link figures.
    /// </summary>
    public static TimeSpan ModelledTime(LinkInfo? link, long bytes)
    {
        if (link is null)
        {
            return TimeSpan.Zero;
        }

        var seconds = link.ModelledSeconds(bytes);
        return seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>a + b, or <see cref="TimeSpan.MaxValue"/> when that overflows.</summary>
    internal static TimeSpan Sum(TimeSpan a, TimeSpan b) => a.Ticks > TimeSpan.MaxValue.Ticks - b.Ticks ? TimeSpan.MaxValue : a + b;

    internal void Reset()
    {
        Bytes = 0;
        Transfers = 0;
        Elapsed = TimeSpan.Zero;
        Modelled = TimeSpan.Zero;
    }

    public override string ToString() => $"link {FromChip} -> {ToChip}: {Bytes} B in {Transfers} transfers";
}
