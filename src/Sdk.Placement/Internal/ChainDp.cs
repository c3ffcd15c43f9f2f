namespace Sdk.Placement.Internal;

/// <summary>
/// The DP over one topological order of the units: every device takes a run of consecutive positions, so the sets
/// are prefixes and dp[c][a][i] = min over j &lt;= i of max(dp[previous layer][j], load(run j..i)). This is exact
/// when the DAG is a total order, and the linearised upper bound otherwise. Positions may be blocks of units
/// (see <see cref="Blocks"/>): a coarse chain is the cheap last resort when the fine one would cost too much.
/// <para>
/// Each (position, layer) searches j around the crossing where dp[previous][j], which roughly rises with j, meets
/// the compute of the run, which falls with j, and stops in each direction at an exact bound: going down, the
/// run's compute reaches the best so far; going up, the least previous value from j on (kept as a monotone stack of
/// suffix minima) does. The communication of a run comes from <see cref="SegmentCommunication"/> in O(log n).
/// On a 10^5-unit chain this examines a handful of j per entry instead of n/devices.
/// </para>
/// </summary>
internal sealed class ChainDp
{
    private readonly int[] boundary;
    private readonly IdealSums sums;
    private readonly DeviceLayers layers;
    private readonly DpTables tables;
    private readonly SegmentCommunication communication;
    private readonly int[][] stack;
    private readonly int[] stackSize;
    private readonly Effort effort;
    private readonly int unitCount;
    private long pairs;
    private double best;
    private int bestFrom;
    private bool bestViaCpu;

    private ChainDp(PlacementUnits units, int[] boundary, DeviceLayers layers, Effort effort)
    {
        this.boundary = boundary;
        this.layers = layers;
        this.effort = effort;
        unitCount = units.Count;
        sums = new IdealSums(boundary.Length);
        var prefix = default(WorkSums);
        sums.Add(prefix);
        for (var i = 1; i < boundary.Length; i++)
        {
            for (var u = boundary[i - 1]; u < boundary[i]; u++)
            {
                prefix += WorkSums.Of(units, u);
            }

            sums.Add(prefix);
        }

        tables = new DpTables(boundary.Length, layers);
        communication = new SegmentCommunication(units.Hyperedges, units.Count);
        stack = new int[layers.Count][];
        stackSize = new int[layers.Count];
        for (var layer = 0; layer < layers.Count; layer++)
        {
            stack[layer] = new int[boundary.Length];
        }
    }

    private int Last => boundary.Length - 1;

    /// <summary>The chain split at every unit.</summary>
    public static int[] EveryUnit(int unitCount) => Blocks(unitCount, 1);

    /// <summary>The chain split every <paramref name="blockSize"/> units.</summary>
    public static int[] Blocks(int unitCount, int blockSize)
    {
        var count = (unitCount + blockSize - 1) / blockSize;
        var boundary = new int[count + 1];
        for (var i = 1; i <= count; i++)
        {
            boundary[i] = i == count ? unitCount : i * blockSize;
        }

        return boundary;
    }

    /// <summary>Null when the effort ran out. A MaxLoad of +infinity means nothing fits below the layers' upper bound.</summary>
    public static DpSolution? Solve(PlacementUnits units, int[] boundary, DeviceLayers layers, Effort effort) =>
        new ChainDp(units, boundary, layers, effort).Run();

    private DpSolution? Run()
    {
        for (var layer = 0; layer < layers.Count; layer++)
        {
            stack[layer][stackSize[layer]++] = 0; // position 0, the empty prefix: value 0 in every layer
        }

        var full = sums[Last];
        for (var i = 1; i <= Last; i++)
        {
            communication.AdvanceTo(boundary[i]);
            var set = sums[i];
            for (var c = 0; c <= layers.Cpus; c++)
            {
                for (var a = 0; a <= layers.Accelerators; a++)
                {
                    SolveEntry(i, c, a, layers.CanBeatBound(set, full - set, c, a));
                }
            }

            if (!effort.Spend(pairs + 1))
            {
                return null;
            }

            pairs = 0;
        }

        return tables.Solve(Last, unitCount, (position, unit) => unit < boundary[position]);
    }

    private void SolveEntry(int i, int c, int a, bool live)
    {
        var layer = layers.Index(c, a);
        var row = (long)i * layers.Count;
        best = layers.UpperBound;
        bestFrom = -1;
        if (live)
        {
            if (c > 0)
            {
                Improve(tables.Value[row + layers.Index(c - 1, a)], i, onCpu: true); // this CPU stays empty
                Search(i, layers.Index(c - 1, a), onCpu: true);
            }

            if (a > 0)
            {
                Improve(tables.Value[row + layer - 1], i, onCpu: false);
                Search(i, layer - 1, onCpu: false);
            }
        }

        tables.Value[row + layer] = best;
        tables.From[row + layer] = bestFrom;
        tables.ViaCpu[row + layer] = bestViaCpu;
        Push(layer, i);
    }

    private void Search(int i, int previous, bool onCpu)
    {
        var latency = onCpu ? sums.CpuLatency : sums.AcceleratorLatency;
        var runs = stack[previous];
        var values = tables.Value;
        var top = FirstPosition(0, stackSize[previous], new StackValue(values, runs, layers.Count, previous, null, 0, best)) - 1; // the last one below best
        if (top < 0)
        {
            return;
        }

        var high = runs[top] < i ? runs[top] : i - 1; // no j above it has a previous value below best
        var low = onCpu || FitsFrom(i, 0) ? 0 : FirstPosition(0, high + 1, new Fits(sums, i, layers.MaxMemory)); // fitting only grows with j
        if (low > high)
        {
            return;
        }

        // Start where the suffix minimum of the previous values crosses the run's compute.
        var s = FirstPosition(0, top + 1, new StackValue(values, runs, layers.Count, previous, latency, latency[i], 0));
        var start = s <= top && runs[s] < high ? runs[s] : high;
        start = start > low ? start : low;
        for (var j = start; j >= low && latency[i] - latency[j] < best; j--) // the run's compute only grows downwards
        {
            Try(i, j, previous, latency, onCpu);
        }

        for (var j = start + 1; j <= high; j++)
        {
            while (runs[s] < j)
            {
                s++;
            }

            if (Value(runs[s], previous) >= best)
            {
                break; // nothing from j on is below best any more
            }

            Try(i, j, previous, latency, onCpu);
        }
    }

    private void Try(int i, int j, int previous, double[] latency, bool onCpu)
    {
        var before = Value(j, previous);
        var compute = latency[i] - latency[j];
        if (before >= best || compute >= best)
        {
            return;
        }

        pairs++;
        var load = onCpu ? compute : compute + communication.Cut(boundary[j]);
        Improve(before > load ? before : load, j, onCpu);
    }

    private bool FitsFrom(int i, int j) => new Fits(sums, i, layers.MaxMemory).Holds(j);

    private void Improve(double candidate, int from, bool onCpu)
    {
        if (candidate < best)
        {
            best = candidate;
            bestFrom = from;
            bestViaCpu = onCpu;
        }
    }

    private double Value(int position, int layer) => tables.Value[((long)position * layers.Count) + layer];

    // The stack of a layer holds the suffix minima of its values: positions and values both strictly increase.
    private void Push(int layer, int position)
    {
        var value = Value(position, layer);
        var runs = stack[layer];
        var size = stackSize[layer];
        while (size > 0 && Value(runs[size - 1], layer) >= value)
        {
            size--;
        }

        runs[size++] = position;
        stackSize[layer] = size;
    }

    // The first j in [low, high) where a predicate that is false then true holds (high if none).
    private static int FirstPosition<T>(int low, int high, T predicate)
        where T : struct, IPositionTest
    {
        while (low < high)
        {
            var middle = (low + high) >> 1;
            if (predicate.Holds(middle))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private interface IPositionTest
    {
        bool Holds(int position);
    }

    private readonly struct Fits : IPositionTest
    {
        private readonly IdealSums sums;
        private readonly int end;
        private readonly double memory;

        public Fits(IdealSums sums, int end, double memory)
        {
            this.sums = sums;
            this.end = end;
            this.memory = memory;
        }

        public bool Holds(int position) =>
            sums.Unsupported[end] == sums.Unsupported[position] && MemoryLimit.Fits(sums.Size[end] - sums.Size[position], memory);
    }

    // Whether the value of a stack entry reaches a bound, or (with latencies) the compute of the run from it to the end.
    private readonly struct StackValue : IPositionTest
    {
        private readonly double[] values;
        private readonly int[] runs;
        private readonly int layerCount;
        private readonly int layer;
        private readonly double[]? latency;
        private readonly double end;
        private readonly double bound;

        public StackValue(double[] values, int[] runs, int layerCount, int layer, double[]? latency, double end, double bound)
        {
            this.values = values;
            this.runs = runs;
            this.layerCount = layerCount;
            this.layer = layer;
            this.latency = latency;
            this.end = end;
            this.bound = bound;
        }

        public bool Holds(int index)
        {
            var position = runs[index];
            return values[((long)position * layerCount) + layer] >= (latency is null ? bound : end - latency[position]);
        }
    }
}
