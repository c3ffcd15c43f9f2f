namespace Sdk.Placement.Internal;

/// <summary>
/// <see cref="WorkSums"/> of many unit sets (ideals, or prefixes of the unit order), one array per field so the
/// DPs' inner loops read only the latencies they need.
/// </summary>
internal sealed class IdealSums
{
    private readonly GrowableArray<int> units;
    private readonly GrowableArray<double> cpuLatency;
    private readonly GrowableArray<double> acceleratorLatency;
    private readonly GrowableArray<double> supportedAcceleratorLatency;
    private readonly GrowableArray<double> unsupportedCpuLatency;
    private readonly GrowableArray<double> size;
    private readonly GrowableArray<int> unsupported;

    public IdealSums(int capacity = 16)
    {
        units = new GrowableArray<int>(capacity);
        cpuLatency = new GrowableArray<double>(capacity);
        acceleratorLatency = new GrowableArray<double>(capacity);
        supportedAcceleratorLatency = new GrowableArray<double>(capacity);
        unsupportedCpuLatency = new GrowableArray<double>(capacity);
        size = new GrowableArray<double>(capacity);
        unsupported = new GrowableArray<int>(capacity);
    }

    public int Count => units.Count;

    /// <summary>Valid until the next <see cref="Add"/> (the buffers may be replaced as they grow).</summary>
    public double[] CpuLatency => cpuLatency.Items;

    /// <inheritdoc cref="CpuLatency"/>
    public double[] AcceleratorLatency => acceleratorLatency.Items;

    /// <inheritdoc cref="CpuLatency"/>
    public double[] Size => size.Items;

    /// <inheritdoc cref="CpuLatency"/>
    public int[] Unsupported => unsupported.Items;

    public WorkSums this[int id] => new(
        units.Items[id],
        cpuLatency.Items[id],
        acceleratorLatency.Items[id],
        supportedAcceleratorLatency.Items[id],
        unsupportedCpuLatency.Items[id],
        size.Items[id],
        unsupported.Items[id]);

    /// <summary>Appends a set and returns its index.</summary>
    public int Add(WorkSums sums)
    {
        units.Add(sums.Units);
        cpuLatency.Add(sums.CpuLatency);
        acceleratorLatency.Add(sums.AcceleratorLatency);
        supportedAcceleratorLatency.Add(sums.SupportedAcceleratorLatency);
        unsupportedCpuLatency.Add(sums.UnsupportedCpuLatency);
        size.Add(sums.Size);
        unsupported.Add(sums.Unsupported);
        return units.Count - 1;
    }
}
