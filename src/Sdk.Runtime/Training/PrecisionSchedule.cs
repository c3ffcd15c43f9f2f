using System;

namespace Sdk.Runtime.Training;

/// <summary>
/// The running state of one <see cref="AdaptivePrecision"/> policy: the bits in force, the last norm seen and how many
/// calm steps in a row. The first norm only sets the reference.
/// </summary>
public sealed class PrecisionSchedule
{
    private double _previous = double.NaN;

    internal PrecisionSchedule(AdaptivePrecision policy)
    {
        Policy = policy;
        Bits = policy.StartBits;
    }

    public AdaptivePrecision Policy { get; }

    /// <summary>The bits in force: from <see cref="AdaptivePrecision.StartBits"/> up to 32.</summary>
    public int Bits { get; private set; }

    /// <summary>Calm steps in a row since the last bit was added.</summary>
    public int CalmSteps { get; private set; }

    public WireEncoding Encoding => WireEncoding.Truncated(Bits);

    /// <summary>Takes the watched weights' L2 norm after a step; true when it added a bit.</summary>
    public bool Observe(double norm)
    {
        if (!double.IsNaN(_previous))
        {
            var change = Math.Abs(norm - _previous) / Math.Max(Math.Abs(_previous), double.Epsilon);
            CalmSteps = change < Policy.Threshold ? CalmSteps + 1 : 0;
        }

        _previous = norm;
        if (CalmSteps < Policy.Interval || Bits == WireEncoding.MaxBits)
        {
            return false;
        }

        Bits++;
        CalmSteps = 0;
        return true;
    }
}
