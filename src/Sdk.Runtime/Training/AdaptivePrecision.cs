using System;

namespace Sdk.Runtime.Training;

/// <summary>
/// Adaptive precision (seed 2, SEEDS.md §3): a tensor travels truncated (<see cref="WireFormat.Truncated"/>) from
/// <see cref="StartBits"/> bits; the trainer watches the L2 norm of one layer's weights after every step, and when its
/// relative change |n_t - n_(t-1)| / |n_(t-1)| stays below <see cref="Threshold"/> for <see cref="Interval"/> steps in
/// a row, adds one bit (up to 32). Precision never decreases. Usable on any cut (<see cref="TrainerOptions.AdaptiveCuts"/>,
/// watching the layer <see cref="PrecisionWatch.LayerOf"/> names) and on the weight exchange of data-parallel replicas
/// (<see cref="DataParallelOptions.AdaptiveWeights"/>, each layer watching itself).
/// </summary>
public sealed record AdaptivePrecision
{
    /// <param name="startBits">b0: the bits a tensor starts with, 1 to 32.</param>
    /// <param name="threshold">A step is calm when the watched norm changes by less than this, relatively (the paper: 1e-4).</param>
    /// <param name="interval">Calm steps in a row that add one bit (the paper: 30).</param>
    public AdaptivePrecision(int startBits, double threshold = 1e-4, int interval = 30)
    {
        if (startBits is < 1 or > WireEncoding.MaxBits)
        {
            throw new ArgumentOutOfRangeException(nameof(startBits), startBits, $"Adaptive precision starts at 1 to {WireEncoding.MaxBits} bits.");
        }

        if (!(threshold > 0) || double.IsInfinity(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold of relative change is a positive finite number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        StartBits = startBits;
        Threshold = threshold;
        Interval = interval;
    }

    public int StartBits { get; }

    public double Threshold { get; }

    public int Interval { get; }

    /// <summary>A fresh schedule at <see cref="StartBits"/>.</summary>
    public PrecisionSchedule Start() => new(this);

    public override string ToString() => $"adaptive from {StartBits} bits (+1 after {Interval} steps of relative norm change < {Threshold:g3})";
}
