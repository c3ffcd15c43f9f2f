namespace Sdk.Placement.Internal;

/// <summary>
/// The layers of the DPs: layer (c, a) holds the least max-load of a set placed on at most c CPUs and a
/// accelerators. Also decides which layers can matter for a set, given an upper bound on the answer.
/// </summary>
internal sealed class DeviceLayers
{
    public DeviceLayers(int accelerators, int cpus, double maxMemory, double cpuPerAccelerator, double upperBound)
    {
        Accelerators = accelerators;
        Cpus = cpus;
        MaxMemory = maxMemory;
        CpuPerAccelerator = cpuPerAccelerator;
        UpperBound = upperBound;
        Count = (accelerators + 1) * (cpus + 1);
    }

    public int Accelerators { get; }

    public int Cpus { get; }

    public double MaxMemory { get; }

    public double CpuPerAccelerator { get; }

    /// <summary>Only placements strictly below this are wanted (+infinity: any).</summary>
    public double UpperBound { get; }

    public int Count { get; }

    /// <summary>The layer of every device: the answer.</summary>
    public int Last => Count - 1;

    public DeviceLayers WithUpperBound(double upperBound) => new(Accelerators, Cpus, MaxMemory, CpuPerAccelerator, upperBound);

    public int Index(int cpus, int accelerators) => (cpus * (Accelerators + 1)) + accelerators;

    /// <summary>
    /// Whether layer (c, a) can matter for a set: some placement through it must end below the upper bound, with the
    /// set on c CPUs and a accelerators and the rest of the graph on the devices left. Each side needs at least its
    /// work spread evenly over its devices (<see cref="WorkSums.LeastMaxLoad"/>).
    /// </summary>
    public bool CanBeatBound(WorkSums set, WorkSums rest, int c, int a) =>
        c + a > 0
        && set.LeastMaxLoad(c, a, MaxMemory, CpuPerAccelerator) < UpperBound
        && rest.LeastMaxLoad(Cpus - c, Accelerators - a, MaxMemory, CpuPerAccelerator) < UpperBound;
}
