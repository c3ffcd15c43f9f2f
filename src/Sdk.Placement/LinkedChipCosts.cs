using System;
using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>
/// A ready-made <see cref="IPipelineCosts"/>: chips of given speeds and memories joined by links of given bandwidth
/// and latency. A run costs the max of its compute (work / chip speed) and the load of every link into its chip:
/// latency + bytes of the frontier tensors the run reads from that chip / bandwidth (in training the reverse link
/// carries the same bytes of gradients). Infinite when the run's memory exceeds the chip's, or the chip cannot run
/// one of its nodes. RunLowerBound is the compute (infinite on the same conditions), which only grows with the run.
/// Units are the caller's: e.g. FLOP, FLOP/s, bytes, bytes/s and seconds give seconds per sample.
/// </summary>
public sealed class LinkedChipCosts : IPipelineCosts
{
    private readonly double[] workPrefix;
    private readonly double[] memoryPrefix;
    private readonly int[][] cannotRunPrefix; // per chip
    private readonly int[][] readers; // per node, the nodes reading it, ascending
    private readonly double[] outputBytes;
    private readonly double[] chipSpeed;
    private readonly double[] chipMemory;
    private readonly double[,] bandwidth;
    private readonly double[,] latency;
    private readonly bool training;
    private readonly double[] linkBytes;
    private readonly bool[] linkUsed;

    /// <param name="inputs">As in <see cref="PipelineProblem.Inputs"/>.</param>
    /// <param name="work">Per node, its work (e.g. FLOP).</param>
    /// <param name="outputBytes">Per node, the bytes of its output.</param>
    /// <param name="memory">Per node, the memory it keeps on its chip (e.g. parameter bytes).</param>
    /// <param name="chipSpeed">Per chip, work per second.</param>
    /// <param name="chipMemory">Per chip, its memory.</param>
    /// <param name="bandwidth">[from, to]: bytes per second of the link between two chips (0: no link).</param>
    /// <param name="latency">[from, to]: seconds per transfer on that link.</param>
    /// <param name="training">Whether every link also carries the gradients back.</param>
    /// <param name="canRun">Whether a chip can run a node (null: every chip runs every node).</param>
    public LinkedChipCosts(
        IReadOnlyList<IReadOnlyList<int>> inputs,
        IReadOnlyList<double> work,
        IReadOnlyList<double> outputBytes,
        IReadOnlyList<double> memory,
        IReadOnlyList<double> chipSpeed,
        IReadOnlyList<double> chipMemory,
        double[,] bandwidth,
        double[,] latency,
        bool training = false,
        Func<int, int, bool>? canRun = null)
    {
        var n = inputs.Count;
        var chips = chipSpeed.Count;
        Require(work.Count == n && outputBytes.Count == n && memory.Count == n, $"work, outputBytes and memory need one value per node ({n})");
        Require(chipMemory.Count == chips, $"chipMemory needs one value per chip ({chips})");
        Require(
            bandwidth.GetLength(0) == chips && bandwidth.GetLength(1) == chips && latency.GetLength(0) == chips && latency.GetLength(1) == chips,
            $"bandwidth and latency need {chips} x {chips} entries");
        workPrefix = Prefix(work);
        memoryPrefix = Prefix(memory);
        this.outputBytes = Copy(outputBytes);
        this.chipSpeed = Copy(chipSpeed);
        this.chipMemory = Copy(chipMemory);
        this.bandwidth = bandwidth;
        this.latency = latency;
        this.training = training;
        linkBytes = new double[chips];
        linkUsed = new bool[chips];
        cannotRunPrefix = new int[chips][];
        for (var c = 0; c < chips; c++)
        {
            cannotRunPrefix[c] = new int[n + 1];
            for (var j = 0; j < n; j++)
            {
                cannotRunPrefix[c][j + 1] = cannotRunPrefix[c][j] + (canRun is null || canRun(c, j) ? 0 : 1);
            }
        }

        var readerLists = new List<int>[n];
        for (var j = 0; j < n; j++)
        {
            readerLists[j] = new List<int>();
        }

        for (var j = 0; j < n; j++)
        {
            foreach (var t in inputs[j])
            {
                if (t >= 0 && (readerLists[t].Count == 0 || readerLists[t][readerLists[t].Count - 1] != j))
                {
                    readerLists[t].Add(j);
                }
            }
        }

        readers = Array.ConvertAll(readerLists, list => list.ToArray());
    }

    public double RunLowerBound(int start, int end, int chip) =>
        cannotRunPrefix[chip][end] > cannotRunPrefix[chip][start] || memoryPrefix[end] - memoryPrefix[start] > chipMemory[chip]
            ? double.PositiveInfinity
            : (workPrefix[end] - workPrefix[start]) / chipSpeed[chip];

    public double RunCost(int start, int end, int chip, ReadOnlySpan<int> frontier, ReadOnlySpan<int> frontierChips)
    {
        var load = RunLowerBound(start, end, chip);
        if (double.IsPositiveInfinity(load))
        {
            return load;
        }

        Array.Clear(linkBytes, 0, linkBytes.Length);
        Array.Clear(linkUsed, 0, linkUsed.Length);
        for (var t = 0; t < frontier.Length; t++)
        {
            if (frontierChips[t] != chip && ReadIn(frontier[t], start, end))
            {
                linkBytes[frontierChips[t]] += outputBytes[frontier[t]];
                linkUsed[frontierChips[t]] = true; // a zero-byte tensor still pays the latency
            }
        }

        for (var from = 0; from < linkUsed.Length; from++)
        {
            if (linkUsed[from])
            {
                load = Math.Max(load, LinkLoad(from, chip, linkBytes[from]));
                load = training ? Math.Max(load, LinkLoad(chip, from, linkBytes[from])) : load;
            }
        }

        return load;
    }

    private double LinkLoad(int from, int to, double bytes) =>
        bandwidth[from, to] > 0 ? latency[from, to] + (bytes / bandwidth[from, to]) : double.PositiveInfinity;

    // Whether some node in [start, end) reads tensor t: the first reader at or after start, by bisection.
    private bool ReadIn(int t, int start, int end)
    {
        var list = readers[t];
        int low = 0, high = list.Length;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (list[middle] < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low < list.Length && list[low] < end;
    }

    private static double[] Prefix(IReadOnlyList<double> values)
    {
        var prefix = new double[values.Count + 1];
        for (var i = 0; i < values.Count; i++)
        {
            prefix[i + 1] = prefix[i] + values[i];
        }

        return prefix;
    }

    private static double[] Copy(IReadOnlyList<double> values)
    {
        var copy = new double[values.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = values[i];
        }

        return copy;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
