using System;

namespace Sdk.Placement.Internal;

/// <summary>Why an enumeration or DP stopped before the end.</summary>
internal enum EffortLimit
{
    None,
    TooManyIdeals,
    TooManyPairs,
    MemoryLimit,
    TimeLimit,
}

/// <summary>
/// The work budget shared by the DPs of one solve: a deterministic count of (set, subset) pairs examined, plus an
/// optional stop signal (a wall-clock limit the caller asked for, or cancellation) polled now and then.
/// </summary>
internal sealed class Effort
{
    private const long PollInterval = 1 << 16;
    private readonly long maxPairs;
    private readonly Func<bool> outOfTime;
    private long nextPoll = PollInterval;

    public Effort(long maxPairs, Func<bool> outOfTime)
    {
        this.maxPairs = maxPairs;
        this.outOfTime = outOfTime;
    }

    public long Pairs { get; private set; }

    public EffortLimit Limit { get; private set; }

    /// <summary>Counts work done; false once past the budget or out of time (and from then on).</summary>
    public bool Spend(long pairs)
    {
        Pairs += pairs;
        if (Limit != EffortLimit.None)
        {
            return false;
        }

        if (Pairs > maxPairs)
        {
            Limit = EffortLimit.TooManyPairs;
        }
        else if (Pairs >= nextPoll)
        {
            nextPoll = Pairs + PollInterval;
            if (outOfTime())
            {
                Limit = EffortLimit.TimeLimit;
            }
        }

        return Limit == EffortLimit.None;
    }

    /// <summary>Polls the stop signal without spending (for stages that count no pairs).</summary>
    public bool OutOfTime()
    {
        if (Limit == EffortLimit.None && outOfTime())
        {
            Limit = EffortLimit.TimeLimit;
        }

        return Limit != EffortLimit.None;
    }
}
