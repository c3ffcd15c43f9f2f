using System.Collections.Generic;

namespace Sdk.Placement;

public sealed class PlacementResult
{
    public PlacementResult(
        PlacementStatus status,
        FallbackReason fallbackReason,
        double maxLoad,
        IReadOnlyList<DevicePlacement> devices,
        IReadOnlyDictionary<int, DeviceId> deviceOfNode,
        PlacementStats stats)
    {
        Status = status;
        FallbackReason = fallbackReason;
        MaxLoad = maxLoad;
        Devices = devices;
        DeviceOfNode = deviceOfNode;
        Stats = stats;
    }

    public PlacementStatus Status { get; }

    /// <summary>Why the exact search was skipped, also when the fallback found nothing (Status Infeasible).</summary>
    public FallbackReason FallbackReason { get; }

    /// <summary>Time per sample of the slowest device; +infinity when infeasible.</summary>
    public double MaxLoad { get; }

    /// <summary>All k accelerators then all l CPUs; unused ones are empty. Accelerators are numbered in pipeline order.</summary>
    public IReadOnlyList<DevicePlacement> Devices { get; }

    public IReadOnlyDictionary<int, DeviceId> DeviceOfNode { get; }

    public PlacementStats Stats { get; }

    /// <summary>One line for logs and the CLI.</summary>
    public string Describe() => (Status, FallbackReason) switch
    {
        (PlacementStatus.Optimal, _) => "optimal",
        (PlacementStatus.Fallback, _) => $"fallback: {Why()}; best split of one topological order (upper bound)",
        (_, FallbackReason.None) => "infeasible: no placement fits",
        _ => $"infeasible: the exact search stopped ({Why()}) and the linearised fallback found no placement that fits",
    };

    private string Why() => FallbackReason switch
    {
        FallbackReason.TooManyIdeals => $"too many ideals (at least {Stats.IdealCountText})",
        FallbackReason.TooManyPairs => $"effort limit reached ({Stats.PairsExamined} ideal pairs examined)",
        FallbackReason.MemoryLimit => "the DP table (units x device combinations) is above its memory limit",
        _ => "time limit reached",
    };
}
