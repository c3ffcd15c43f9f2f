using System;

namespace Sdk.Placement.Internal;

/// <summary>
/// The ideals sorted by one device kind's latency, and per layer the least DP value found so far in every run of 16
/// (and of 256) consecutive positions. The lattice DP's candidates for "the last device takes I \ I'" are the
/// subideals I' whose latency lies within the best load so far below I's and whose previous-layer value is below it
/// too: a scan from I's latency downwards that skips every run whose values are all too large.
/// </summary>
internal sealed class LatencyIndex
{
    private const int SmallShift = 4;
    private const int LargeShift = 8;
    private readonly int[] positionOf;
    private readonly double[][] smallMin;
    private readonly double[][] largeMin;

    public LatencyIndex(double[] latencyOfIdeal, int count, int layerCount)
    {
        Ideal = new int[count];
        Latency = new double[count];
        for (var i = 0; i < count; i++)
        {
            Ideal[i] = i;
            Latency[i] = latencyOfIdeal[i];
        }

        Array.Sort(Latency, Ideal);
        positionOf = new int[count];
        for (var p = 0; p < count; p++)
        {
            positionOf[Ideal[p]] = p;
        }

        smallMin = NewMins(layerCount, (count >> SmallShift) + 1);
        largeMin = NewMins(layerCount, (count >> LargeShift) + 1);
    }

    /// <summary>Ideal ids in order of latency.</summary>
    public int[] Ideal { get; }

    /// <summary>Their latencies, ascending.</summary>
    public double[] Latency { get; }

    /// <summary>Runs skipped and positions returned by <see cref="Skip"/>: the work of the scans.</summary>
    public long Steps { get; set; }

    /// <summary>Number of positions whose latency is at most <paramref name="latency"/>.</summary>
    public int End(double latency)
    {
        int low = 0, high = Latency.Length;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (Latency[middle] <= latency)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Records the final value of an ideal in a layer.</summary>
    public void Note(int layer, int ideal, double value)
    {
        var p = positionOf[ideal];
        ref var small = ref smallMin[layer][p >> SmallShift];
        small = value < small ? value : small;
        ref var large = ref largeMin[layer][p >> LargeShift];
        large = value < large ? value : large;
    }

    /// <summary>The largest position at most <paramref name="position"/> whose run may hold a value below <paramref name="below"/> in the layer; -1 if none.</summary>
    public int Skip(int layer, int position, double below)
    {
        var small = smallMin[layer];
        var large = largeMin[layer];
        while (position >= 0)
        {
            Steps++;
            if (large[position >> LargeShift] >= below)
            {
                position = ((position >> LargeShift) << LargeShift) - 1;
            }
            else if (small[position >> SmallShift] >= below)
            {
                position = ((position >> SmallShift) << SmallShift) - 1;
            }
            else
            {
                return position;
            }
        }

        return -1;
    }

    private static double[][] NewMins(int layers, int runs)
    {
        var mins = new double[layers][];
        for (var layer = 0; layer < layers; layer++)
        {
            mins[layer] = new double[runs];
            for (var r = 0; r < runs; r++)
            {
                mins[layer][r] = double.PositiveInfinity;
            }
        }

        return mins;
    }
}
