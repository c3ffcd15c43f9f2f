using System;

namespace Sdk.Placement.Internal;

/// <summary>
/// dp[c][a][I] = least max-load placing ideal I on at most c CPUs and a accelerators, each taking the difference of
/// two nested ideals. The last device takes I \ I' for a subideal I' (or nothing):
/// dp[c][a][I] = min(dp[c][a-1][I], dp[c-1][a][I], min over I' of max(dp[previous layer][I'], load(I \ I'))).
/// <para>
/// Pruning, all exact: an upper bound (the linearised solution) caps every entry, since only values below it can
/// improve the answer; a layer is skipped at I unless both I on its devices and the rest of the graph on the
/// devices left can stay below the cap (<see cref="DeviceLayers.CanBeatBound"/>); and the candidates I' are found
/// through a <see cref="LatencyIndex"/> per device kind, among the ideals whose latency is within the layer's best
/// load so far below I's and whose previous-layer value is below that best, rather than by walking every subideal.
/// Communication is computed only for a subideal that can still win. The empty subideal (the whole of I on one
/// device) is offered directly, so single-device layers need no scan.
/// </para>
/// </summary>
internal sealed class LatticeDp
{
    private readonly IdealLattice lattice;
    private readonly DeviceLayers layers;
    private readonly DpTables tables;
    private readonly Effort effort;
    private readonly LatencyIndex acceleratorIndex;
    private readonly LatencyIndex cpuIndex;
    private readonly double[] best;
    private readonly int[] bestFrom;
    private readonly bool[] bestViaCpu;
    private readonly bool[] live;
    private readonly LiveLayers acceleratorSteps;
    private readonly LiveLayers cpuSteps;
    private long pairs;

    private LatticeDp(IdealLattice lattice, DeviceLayers layers, Effort effort)
    {
        this.lattice = lattice;
        this.layers = layers;
        this.effort = effort;
        tables = new DpTables(lattice.Count, layers);
        acceleratorIndex = new LatencyIndex(lattice.Sums.AcceleratorLatency, lattice.Count, layers.Count);
        cpuIndex = new LatencyIndex(lattice.Sums.CpuLatency, lattice.Count, layers.Count);
        best = new double[layers.Count];
        bestFrom = new int[layers.Count];
        bestViaCpu = new bool[layers.Count];
        live = new bool[layers.Count];
        acceleratorSteps = new LiveLayers(layers.Count);
        cpuSteps = new LiveLayers(layers.Count);
    }

    /// <summary>
    /// Null when the effort ran out. A MaxLoad of +infinity means nothing fits strictly below the layers' upper bound.
    /// </summary>
    public static DpSolution? Solve(IdealLattice lattice, DeviceLayers layers, Effort effort) =>
        new LatticeDp(lattice, layers, effort).Run();

    private DpSolution? Run()
    {
        for (var layer = 0; layer < layers.Count; layer++)
        {
            acceleratorIndex.Note(layer, 0, 0); // the empty ideal costs nothing on any devices
            cpuIndex.Note(layer, 0, 0);
        }

        for (var ideal = 1; ideal < lattice.Count; ideal++)
        {
            if (StartIdeal(ideal))
            {
                OfferWholeIdeal(ideal);
                Scan(ideal, acceleratorSteps, acceleratorIndex, onCpu: false);
                Scan(ideal, cpuSteps, cpuIndex, onCpu: true);
                Finish(ideal);
            }

            var steps = acceleratorIndex.Steps + cpuIndex.Steps;
            acceleratorIndex.Steps = cpuIndex.Steps = 0;
            if (!effort.Spend(steps + pairs + 1))
            {
                return null;
            }

            pairs = 0;
        }

        return tables.Solve(lattice.FullId, lattice.Units.Count, lattice.Contains);
    }

    // Resets the layers' bests to the cap and lists the layers that can still go below it; false if none can.
    private bool StartIdeal(int ideal)
    {
        acceleratorSteps.Clear();
        cpuSteps.Clear();
        var set = lattice.Sums[ideal];
        var rest = lattice.Sums[lattice.FullId] - set;
        var row = (long)ideal * layers.Count;
        var any = false;
        for (var c = 0; c <= layers.Cpus; c++)
        {
            for (var a = 0; a <= layers.Accelerators; a++)
            {
                var layer = layers.Index(c, a);
                best[layer] = layers.UpperBound;
                bestFrom[layer] = -1;
                tables.Value[row + layer] = layers.UpperBound;
                tables.From[row + layer] = -1;
                live[layer] = layers.CanBeatBound(set, rest, c, a);
                if (!live[layer])
                {
                    continue;
                }

                any = true;
                if (a > 0 && layer - 1 != 0)
                {
                    acceleratorSteps.Add(layer, layer - 1);
                }

                if (c > 0 && layers.Index(c - 1, a) != 0)
                {
                    cpuSteps.Add(layer, layers.Index(c - 1, a));
                }
            }
        }

        return any;
    }

    // The whole ideal on one device (subideal: the empty set, where every layer's value is 0).
    private void OfferWholeIdeal(int ideal)
    {
        var sums = lattice.Sums;
        var onAccelerator = layers.Accelerators > 0 && FitsOnAccelerator(ideal, 0)
            ? sums.AcceleratorLatency[ideal] + lattice.Cut[ideal]
            : double.PositiveInfinity;
        var onCpu = layers.Cpus > 0 ? sums.CpuLatency[ideal] : double.PositiveInfinity;
        for (var c = 0; c <= layers.Cpus; c++)
        {
            for (var a = 0; a <= layers.Accelerators; a++)
            {
                var layer = layers.Index(c, a);
                if (live[layer] && a > 0)
                {
                    Improve(layer, onAccelerator, 0, onCpu: false);
                }

                if (live[layer] && c > 0)
                {
                    Improve(layer, onCpu, 0, onCpu: true);
                }
            }
        }
    }

    // Tries outer \ inner on the last device of every listed layer, for the subideals the index offers.
    private void Scan(int outer, LiveLayers steps, LatencyIndex index, bool onCpu)
    {
        var latency = onCpu ? lattice.Sums.CpuLatency : lattice.Sums.AcceleratorLatency;
        var outerLatency = latency[outer];
        var checkFit = !onCpu && (lattice.Sums.Unsupported[outer] > 0 || !MemoryLimit.Fits(lattice.Sums.Size[outer], layers.MaxMemory));
        var values = tables.Value;
        var end = steps.Count > 0 ? index.End(outerLatency) : 0;
        for (var s = 0; s < steps.Count; s++)
        {
            int layer = steps.Layer[s], previous = steps.Previous[s];
            for (var p = index.Skip(previous, end - 1, best[layer]); p >= 0; p = index.Skip(previous, p - 1, best[layer]))
            {
                var compute = outerLatency - index.Latency[p];
                if (compute >= best[layer])
                {
                    break; // and every position below: latencies only fall
                }

                var inner = index.Ideal[p];
                var before = values[((long)inner * layers.Count) + previous];
                if (inner >= outer || before >= best[layer] || !lattice.IsSubset(inner, outer) || (checkFit && !FitsOnAccelerator(outer, inner)))
                {
                    continue;
                }

                pairs++;
                var load = onCpu ? compute : compute + lattice.Communication(outer, inner);
                Improve(layer, before > load ? before : load, inner, onCpu);
            }
        }
    }

    private void Improve(int layer, double candidate, int inner, bool onCpu)
    {
        if (candidate < best[layer])
        {
            best[layer] = candidate;
            bestFrom[layer] = inner;
            bestViaCpu[layer] = onCpu;
        }
    }

    private bool FitsOnAccelerator(int outer, int inner)
    {
        var sums = lattice.Sums;
        return sums.Unsupported[outer] == sums.Unsupported[inner] && MemoryLimit.Fits(sums.Size[outer] - sums.Size[inner], layers.MaxMemory);
    }

    // Layers in increasing order, so "leave this device empty" can read the finished smaller layers.
    private void Finish(int ideal)
    {
        var row = (long)ideal * layers.Count;
        for (var c = 0; c <= layers.Cpus; c++)
        {
            for (var a = 0; a <= layers.Accelerators; a++)
            {
                var layer = layers.Index(c, a);
                if (!live[layer])
                {
                    continue;
                }

                if (c > 0)
                {
                    Improve(layer, tables.Value[row + layers.Index(c - 1, a)], ideal, onCpu: true);
                }

                if (a > 0)
                {
                    Improve(layer, tables.Value[row + layer - 1], ideal, onCpu: false);
                }

                tables.Value[row + layer] = best[layer];
                tables.From[row + layer] = bestFrom[layer];
                tables.ViaCpu[row + layer] = bestViaCpu[layer];
                if (best[layer] < layers.UpperBound)
                {
                    acceleratorIndex.Note(layer, ideal, best[layer]);
                    cpuIndex.Note(layer, ideal, best[layer]);
                }
            }
        }
    }
}
