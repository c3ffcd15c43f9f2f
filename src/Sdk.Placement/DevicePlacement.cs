using System.Collections.Generic;

namespace Sdk.Placement;

/// <summary>What one device runs and what it costs per sample.</summary>
/// <param name="Device">Which device.</param>
/// <param name="Load">Compute + Communication: the device's time per sample.</param>
/// <param name="Compute">Sum of the nodes' latencies on this kind of device.</param>
/// <param name="Communication">Always 0 on a CPU.</param>
/// <param name="Memory">Sum of node sizes (only limited on accelerators).</param>
/// <param name="NodeIds">Sorted ids of the nodes placed here.</param>
public sealed record DevicePlacement(
    DeviceId Device,
    double Load,
    double Compute,
    double Communication,
    double Memory,
    IReadOnlyList<int> NodeIds);
