using System;
using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// The tables both DPs fill: per set (an ideal, or a prefix of the unit order) and layer, the least max-load, the
/// subset the last device starts from (the set itself: that device stays empty) and its kind. Row-major by set, so
/// one cache line serves every layer of a set.
/// </summary>
internal sealed class DpTables
{
    public DpTables(int sets, DeviceLayers layers)
    {
        Layers = layers;
        var entries = (long)sets * layers.Count;
        Value = new double[entries];
        From = new int[entries];
        ViaCpu = new bool[entries];
    }

    public DeviceLayers Layers { get; }

    public double[] Value { get; }

    public int[] From { get; }

    public bool[] ViaCpu { get; }

    /// <summary>
    /// The answer for the set <paramref name="full"/> on every device and the stage of each unit, following the
    /// choices back from it; <paramref name="contains"/> says whether a set holds a unit.
    /// </summary>
    public DpSolution Solve(int full, int unitCount, Func<int, int, bool> contains)
    {
        var answer = Value[((long)full * Layers.Count) + Layers.Last];
        var maxLoad = answer < Layers.UpperBound ? answer : double.PositiveInfinity;
        var kinds = new List<DeviceKind>();
        var stageOfUnit = new int[unitCount];
        if (double.IsPositiveInfinity(maxLoad))
        {
            return new DpSolution(maxLoad, kinds, stageOfUnit);
        }

        var stages = new List<(DeviceKind Kind, int Inner, int Outer)>();
        var layer = Layers.Last;
        for (var set = full; set != 0;)
        {
            var entry = ((long)set * Layers.Count) + layer;
            var inner = From[entry];
            var cpu = ViaCpu[entry];
            if (inner < 0)
            {
                throw new InvalidOperationException($"internal error: no choice recorded for set {set} in layer {layer}");
            }

            if (inner != set)
            {
                stages.Add((cpu ? DeviceKind.Cpu : DeviceKind.Accelerator, inner, set));
            }

            layer -= cpu ? Layers.Accelerators + 1 : 1;
            set = inner;
        }

        stages.Reverse(); // pipeline order: the stage holding the inputs first
        for (var s = 0; s < stages.Count; s++)
        {
            kinds.Add(stages[s].Kind);
            for (var unit = 0; unit < unitCount; unit++)
            {
                if (contains(stages[s].Outer, unit) && !contains(stages[s].Inner, unit))
                {
                    stageOfUnit[unit] = s;
                }
            }
        }

        return new DpSolution(maxLoad, kinds, stageOfUnit);
    }
}
