namespace Sdk.Placement.Internal;

/// <summary>
/// Sums over a set of units: what a device running the set computes and holds, and what a lower bound of the
/// max-load of any placement of the set needs.
/// </summary>
internal readonly struct WorkSums
{
    public WorkSums(int units, double cpuLatency, double acceleratorLatency, double supportedAcceleratorLatency, double unsupportedCpuLatency, double size, int unsupported)
    {
        Units = units;
        CpuLatency = cpuLatency;
        AcceleratorLatency = acceleratorLatency;
        SupportedAcceleratorLatency = supportedAcceleratorLatency;
        UnsupportedCpuLatency = unsupportedCpuLatency;
        Size = size;
        Unsupported = unsupported;
    }

    public int Units { get; }

    public double CpuLatency { get; }

    public double AcceleratorLatency { get; }

    /// <summary>Accelerator latency of the units an accelerator may run.</summary>
    public double SupportedAcceleratorLatency { get; }

    /// <summary>CPU latency of the units only a CPU may run.</summary>
    public double UnsupportedCpuLatency { get; }

    public double Size { get; }

    /// <summary>How many units an accelerator cannot run.</summary>
    public int Unsupported { get; }

    public static WorkSums Of(PlacementUnits units, int unit)
    {
        var unsupported = units.Unsupported[unit];
        return new WorkSums(
            1,
            units.CpuLatency[unit],
            units.AcceleratorLatency[unit],
            unsupported ? 0 : units.AcceleratorLatency[unit],
            unsupported ? units.CpuLatency[unit] : 0,
            units.Size[unit],
            unsupported ? 1 : 0);
    }

    public static WorkSums operator +(WorkSums a, WorkSums b) => new(
        a.Units + b.Units,
        a.CpuLatency + b.CpuLatency,
        a.AcceleratorLatency + b.AcceleratorLatency,
        a.SupportedAcceleratorLatency + b.SupportedAcceleratorLatency,
        a.UnsupportedCpuLatency + b.UnsupportedCpuLatency,
        a.Size + b.Size,
        a.Unsupported + b.Unsupported);

    public static WorkSums operator -(WorkSums a, WorkSums b) => new(
        a.Units - b.Units,
        a.CpuLatency - b.CpuLatency,
        a.AcceleratorLatency - b.AcceleratorLatency,
        a.SupportedAcceleratorLatency - b.SupportedAcceleratorLatency,
        a.UnsupportedCpuLatency - b.UnsupportedCpuLatency,
        a.Size - b.Size,
        a.Unsupported - b.Unsupported);

    /// <summary>
    /// No placement of the set on <paramref name="cpus"/> CPUs and <paramref name="accelerators"/> accelerators has a
    /// max-load below this; +infinity when nothing fits (no devices, units only a CPU runs and no CPU, more memory
    /// than the accelerators hold together). Communication only adds, so compute alone bounds the loads: with both
    /// kinds, the CPUs run at least the unsupported units plus whatever accelerator work W they take over, which
    /// costs them at least <paramref name="cpuPerAccelerator"/> * W (the least CPU/accelerator latency ratio of any
    /// unit). Summing cpus * T >= U + r W and r * accelerators * T >= r (A - W) gives T >= (U + r A) / (cpus + r accelerators).
    /// </summary>
    public double LeastMaxLoad(int cpus, int accelerators, double memoryPerAccelerator, double cpuPerAccelerator)
    {
        if (Units == 0)
        {
            return 0;
        }

        if (cpus == 0)
        {
            return accelerators == 0 || Unsupported > 0 || !MemoryLimit.Fits(Size, accelerators * memoryPerAccelerator)
                ? double.PositiveInfinity
                : AcceleratorLatency / accelerators;
        }

        if (accelerators == 0)
        {
            return CpuLatency / cpus;
        }

        var r = cpuPerAccelerator;
        var shared = (UnsupportedCpuLatency + (r * SupportedAcceleratorLatency)) / (cpus + (r * accelerators));
        var cpuOnly = UnsupportedCpuLatency / cpus;
        return shared > cpuOnly ? shared : cpuOnly;
    }
}
