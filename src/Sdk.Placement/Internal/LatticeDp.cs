using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// dp[c][a][I] = least max-load placing ideal I on at most c CPUs and a accelerators, each taking the difference of
/// two nested ideals. The last device takes I \ I' for a subideal I' (or nothing):
/// dp[c][a][I] = min(dp[c][a-1][I], dp[c-1][a][I], min over I' of max(dp[previous layer][I'], load(I \ I'))).
/// <para>
/// Work per ideal I: one depth-first walk down the lattice for accelerators and one for CPUs, each serving every
/// layer (c, a) at once. Going down only adds units to I \ I', so its latency, memory and unsupported count only
/// grow: once the latency reaches every layer's best so far (or memory or support fails on an accelerator) the
/// branch below is cut. Communication is computed only for a pair that can still win somewhere. The empty
/// subideal (the whole of I on one device) is offered directly, so single-device layers need no walk at all.
/// </para>
/// <para>
/// An upper bound (the linearised solution) caps every entry: values at or above it are never needed. A layer is
/// skipped at I when even perfectly balanced work, MinLatency(I) / devices, reaches the bound.
/// </para>
/// </summary>
internal sealed class LatticeDp
{
    private const int CheckInterval = 64;
    private readonly IdealLattice lattice;
    private readonly int accelerators;
    private readonly int cpus;
    private readonly double maxMemory;
    private readonly double upperBound;
    private readonly int layerCount;
    private readonly double[] value; // [ideal * layerCount + layer]: one cache line serves every layer of an ideal
    private readonly int[] from;
    private readonly bool[] viaCpu;
    private readonly double[] best;
    private readonly int[] bestFrom;
    private readonly bool[] bestViaCpu;
    private readonly bool[] live;
    private readonly LiveLayers acceleratorLayers;
    private readonly LiveLayers cpuLayers;
    private readonly int[] visitStamp;
    private readonly int[] stack;
    private readonly CutSweep? sweep; // chains only
    private int stamp;
    private long pairs;

    private LatticeDp(IdealLattice lattice, int accelerators, int cpus, double maxMemory, double upperBound)
    {
        this.lattice = lattice;
        this.accelerators = accelerators;
        this.cpus = cpus;
        this.maxMemory = maxMemory;
        this.upperBound = upperBound;
        layerCount = (cpus + 1) * (accelerators + 1);
        value = new double[lattice.Count * layerCount];
        from = new int[lattice.Count * layerCount];
        viaCpu = new bool[lattice.Count * layerCount];
        acceleratorLayers = new LiveLayers(layerCount);
        cpuLayers = new LiveLayers(layerCount);
        best = new double[layerCount];
        bestFrom = new int[layerCount];
        bestViaCpu = new bool[layerCount];
        live = new bool[layerCount];
        visitStamp = new int[lattice.Count];
        stack = new int[lattice.Count];
        sweep = lattice.IsChain ? new CutSweep(lattice.Units.Hyperedges) : null;
    }

    /// <summary>
    /// Null when <paramref name="outOfTime"/> said stop. A MaxLoad of +infinity means nothing fits strictly below
    /// <paramref name="upperBound"/>.
    /// </summary>
    public static DpSolution? Solve(
        IdealLattice lattice, int accelerators, int cpus, double maxMemory, Func<bool> outOfTime, double upperBound = double.PositiveInfinity)
    {
        return new LatticeDp(lattice, accelerators, cpus, maxMemory, upperBound).Run(outOfTime);
    }

    private DpSolution? Run(Func<bool> outOfTime)
    {
        for (var ideal = 1; ideal < lattice.Count; ideal++)
        {
            if ((ideal % CheckInterval) == 0 && outOfTime())
            {
                return null;
            }

            if (!StartIdeal(ideal))
            {
                continue;
            }

            OfferWholeIdeal(ideal);
            for (var kind = 0; kind < 2; kind++)
            {
                var onCpu = kind == 1;
                if ((onCpu ? cpus : accelerators) == 0)
                {
                    continue;
                }

                if (lattice.IsChain)
                {
                    SearchChain(ideal, onCpu);
                }
                else
                {
                    Search(ideal, onCpu);
                }
            }

            Finish(ideal);
        }

        var answer = value[(lattice.FullId * layerCount) + layerCount - 1];
        var maxLoad = answer < upperBound ? answer : double.PositiveInfinity;
        return new DpSolution(lattice, maxLoad, Backtrack(maxLoad), pairs);
    }

    private int Layer(int usedCpus, int usedAccelerators) => (usedCpus * (accelerators + 1)) + usedAccelerators;

    // Resets the layers' bests to the cap and lists the layers that can still go below it; false if none can.
    private bool StartIdeal(int ideal)
    {
        acceleratorLayers.Clear();
        cpuLayers.Clear();
        var any = false;
        for (var c = 0; c <= cpus; c++)
        {
            for (var a = 0; a <= accelerators; a++)
            {
                var layer = Layer(c, a);
                best[layer] = upperBound;
                bestFrom[layer] = -1;
                value[(ideal * layerCount) + layer] = upperBound;
                from[(ideal * layerCount) + layer] = -1;
                var needed = layer != layerCount - 1 || ideal == lattice.FullId; // the last layer only feeds the answer
                live[layer] = needed && c + a > 0 && !(lattice.MinLatency[ideal] >= (c + a) * upperBound);
                if (!live[layer])
                {
                    continue;
                }

                // A single device's only candidate is the empty subideal, which OfferWholeIdeal covers: walking
                // down to it would visit every subideal.
                any = true;
                if (a > 0 && layer - 1 != 0)
                {
                    acceleratorLayers.Add(layer, layer - 1);
                }

                if (c > 0 && Layer(c - 1, a) != 0)
                {
                    cpuLayers.Add(layer, Layer(c - 1, a));
                }
            }
        }

        return any;
    }

    // The whole ideal on one device (subideal: the empty set, where every layer's value is 0).
    private void OfferWholeIdeal(int ideal)
    {
        var onAccelerator = accelerators > 0 && FitsOnAccelerator(ideal, 0)
            ? lattice.AcceleratorLatency[ideal] + lattice.Cut[ideal]
            : double.PositiveInfinity;
        var onCpu = cpus > 0 ? lattice.CpuLatency[ideal] : double.PositiveInfinity;
        for (var c = 0; c <= cpus; c++)
        {
            for (var a = 0; a <= accelerators; a++)
            {
                var layer = Layer(c, a);
                if (!live[layer])
                {
                    continue;
                }

                if (a > 0 && onAccelerator < best[layer])
                {
                    best[layer] = onAccelerator;
                    bestFrom[layer] = 0;
                    bestViaCpu[layer] = false;
                }

                if (c > 0 && onCpu < best[layer])
                {
                    best[layer] = onCpu;
                    bestFrom[layer] = 0;
                    bestViaCpu[layer] = true;
                }
            }
        }
    }

    private void Search(int outer, bool onCpu)
    {
        var layers = onCpu ? cpuLayers : acceleratorLayers;
        var threshold = Threshold(layers);
        if (!(threshold > 0))
        {
            return;
        }

        // Locals rather than fields and properties: this loop is where the solver spends its time.
        var latency = onCpu ? lattice.CpuLatency : lattice.AcceleratorLatency;
        var outerLatency = latency[outer];
        var checkFit = !onCpu && (lattice.UnsupportedCount[outer] > 0 || !MemoryLimit.Fits(lattice.Size[outer], maxMemory));
        var subStart = lattice.SubStart;
        var sub = lattice.Sub;
        var visited = visitStamp;
        var pending = stack;
        var mark = ++stamp;
        var visits = 0L;
        visited[outer] = mark;
        pending[0] = outer;
        var top = 1;
        while (top > 0)
        {
            var ideal = pending[--top];
            for (var s = subStart[ideal]; s < subStart[ideal + 1]; s++)
            {
                var inner = sub[s];
                if (visited[inner] == mark)
                {
                    continue;
                }

                visited[inner] = mark;
                visits++;
                var compute = outerLatency - latency[inner];
                if (compute >= threshold || (checkFit && !FitsOnAccelerator(outer, inner)))
                {
                    continue; // and everything below: the set only grows
                }

                pending[top++] = inner;
                if (Offer(layers, outer, inner, compute, onCpu ? 0 : double.NaN, onCpu))
                {
                    threshold = Threshold(layers);
                }
            }
        }

        pairs += visits;
    }

    // Along a chain the walk is a straight line down and the set grows by whole units, so its communication is
    // kept up to date by a sweep instead of being recomputed per pair.
    private void SearchChain(int outer, bool onCpu)
    {
        var layers = onCpu ? cpuLayers : acceleratorLayers;
        var threshold = Threshold(layers);
        if (!(threshold > 0))
        {
            return;
        }

        var latency = onCpu ? lattice.CpuLatency : lattice.AcceleratorLatency;
        var checkFit = !onCpu && (lattice.UnsupportedCount[outer] > 0 || !MemoryLimit.Fits(lattice.Size[outer], maxMemory));
        var prefixEnd = lattice.PrefixEnd!;
        sweep!.Reset();
        for (var inner = outer - 1; inner >= 0; inner--)
        {
            if (!onCpu)
            {
                for (var unit = prefixEnd[inner]; unit < prefixEnd[inner + 1]; unit++)
                {
                    sweep.Add(unit);
                }
            }

            pairs++;
            var compute = latency[outer] - latency[inner];
            if (compute >= threshold || (checkFit && !FitsOnAccelerator(outer, inner)))
            {
                return; // and everything further down
            }

            if (Offer(layers, outer, inner, compute, onCpu ? 0 : sweep.Cut, onCpu))
            {
                threshold = Threshold(layers);
            }
        }
    }

    private bool FitsOnAccelerator(int outer, int inner) =>
        lattice.UnsupportedCount[outer] == lattice.UnsupportedCount[inner]
        && MemoryLimit.Fits(lattice.Size[outer] - lattice.Size[inner], maxMemory);

    // Tries outer \ inner as the last device of every listed layer; true if any best improved. Communication NaN
    // means: compute it from the lattice, and only if some layer needs it.
    private bool Offer(LiveLayers layers, int outer, int inner, double compute, double communication, bool onCpu)
    {
        var load = compute + communication;
        var improved = false;
        var previousRow = inner * layerCount;
        var layerOf = layers.Layer;
        var previousOf = layers.Previous;
        var count = layers.Count;
        var values = value;
        var bests = best;
        for (var i = 0; i < count; i++)
        {
            var layer = layerOf[i];
            var bound = bests[layer];
            var previous = values[previousRow + previousOf[i]];
            if (previous >= bound || compute >= bound)
            {
                continue;
            }

            if (double.IsNaN(load))
            {
                load = compute + lattice.Communication(outer, inner);
            }

            var candidate = Math.Max(previous, load);
            if (candidate < bound)
            {
                bests[layer] = candidate;
                bestFrom[layer] = inner;
                bestViaCpu[layer] = onCpu;
                improved = true;
            }
        }

        return improved;
    }

    // The walk may stop where the set's latency reaches the loosest best among the layers it serves.
    private double Threshold(LiveLayers layers)
    {
        var threshold = 0.0;
        for (var i = 0; i < layers.Count; i++)
        {
            threshold = Math.Max(threshold, best[layers.Layer[i]]);
        }

        return threshold;
    }

    // Layers in increasing order, so "leave this device empty" can read the finished smaller layers.
    private void Finish(int ideal)
    {
        var row = ideal * layerCount;
        for (var c = 0; c <= cpus; c++)
        {
            for (var a = 0; a <= accelerators; a++)
            {
                var layer = Layer(c, a);
                if (!live[layer])
                {
                    continue;
                }

                if (c > 0 && value[row + Layer(c - 1, a)] < best[layer])
                {
                    best[layer] = value[row + Layer(c - 1, a)];
                    bestFrom[layer] = ideal;
                    bestViaCpu[layer] = true;
                }

                if (a > 0 && value[row + layer - 1] < best[layer])
                {
                    best[layer] = value[row + layer - 1];
                    bestFrom[layer] = ideal;
                    bestViaCpu[layer] = false;
                }

                value[row + layer] = best[layer];
                from[row + layer] = bestFrom[layer];
                viaCpu[row + layer] = bestViaCpu[layer];
            }
        }
    }

    private List<Stage> Backtrack(double maxLoad)
    {
        var stages = new List<Stage>();
        if (double.IsPositiveInfinity(maxLoad))
        {
            return stages;
        }

        var layer = layerCount - 1;
        var ideal = lattice.FullId;
        while (ideal != 0)
        {
            var inner = from[(ideal * layerCount) + layer];
            var cpu = viaCpu[(ideal * layerCount) + layer];
            if (inner != ideal)
            {
                stages.Add(new Stage(cpu ? DeviceKind.Cpu : DeviceKind.Accelerator, inner, ideal));
            }

            layer -= cpu ? accelerators + 1 : 1;
            ideal = inner;
        }

        stages.Reverse(); // pipeline order: the stage holding the inputs first
        return stages;
    }
}
