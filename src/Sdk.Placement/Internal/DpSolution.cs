using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>One pipeline stage: a device kind and the set outer \ inner of two nested ideals.</summary>
internal readonly struct Stage
{
    public Stage(DeviceKind kind, int inner, int outer)
    {
        Kind = kind;
        Inner = inner;
        Outer = outer;
    }

    public DeviceKind Kind { get; }

    public int Inner { get; }

    public int Outer { get; }
}

/// <summary>Optimal max-load, the stages in pipeline order, and how much work it took.</summary>
internal sealed class DpSolution
{
    public DpSolution(IdealLattice lattice, double maxLoad, IReadOnlyList<Stage> stages, long pairsExamined)
    {
        Lattice = lattice;
        MaxLoad = maxLoad;
        Stages = stages;
        PairsExamined = pairsExamined;
    }

    /// <summary>The lattice the stages' ideal ids refer to.</summary>
    public IdealLattice Lattice { get; }

    /// <summary>+infinity when no placement fits (or none beats the upper bound given to the DP).</summary>
    public double MaxLoad { get; }

    public IReadOnlyList<Stage> Stages { get; }

    public long PairsExamined { get; }
}
