using System;
using System.Collections.Generic;
using Sdk.Placement.Internal;

namespace Sdk.Placement;

/// <summary>
/// Scores any placement with the cost model (independently of the solvers) and lists what makes it invalid:
/// unplaced nodes, split colour classes, unsupported nodes or overfull memory on an accelerator, and device
/// sets that cannot be ordered as a pipeline (see <see cref="ContiguityRule.PipelineOrder"/>).
/// </summary>
public static class PlacementEvaluator
{
    public static PlacementEvaluation Evaluate(PlacementProblem problem, IReadOnlyDictionary<int, DeviceId> deviceOfNode)
    {
        if (deviceOfNode is null)
        {
            throw new ArgumentNullException(nameof(deviceOfNode));
        }

        var graph = IndexedGraph.Create(problem);
        var violations = new List<string>();
        var slotOfNode = SlotsOf(graph, deviceOfNode, violations);
        if (violations.Count > 0)
        {
            return new PlacementEvaluation(double.PositiveInfinity, Array.Empty<DevicePlacement>(), violations);
        }

        var devices = Score(graph, slotOfNode, out var maxLoad);
        CheckRules(graph, slotOfNode, devices, violations);
        return new PlacementEvaluation(maxLoad, devices, violations);
    }

    internal static IReadOnlyList<DevicePlacement> Score(IndexedGraph graph, int[] slotOfNode, out double maxLoad)
    {
        var calculator = new LoadCalculator(graph);
        var slots = calculator.SlotCount;
        double[] compute = new double[slots], communication = new double[slots], memory = new double[slots];
        calculator.Compute(slotOfNode, compute, communication, memory);
        var nodeIds = new List<int>[slots];
        for (var d = 0; d < slots; d++)
        {
            nodeIds[d] = new List<int>();
        }

        for (var v = 0; v < graph.NodeCount; v++)
        {
            nodeIds[slotOfNode[v]].Add(graph.Ids[v]);
        }

        maxLoad = 0;
        var devices = new DevicePlacement[slots];
        for (var d = 0; d < slots; d++)
        {
            nodeIds[d].Sort();
            var load = compute[d] + communication[d];
            maxLoad = Math.Max(maxLoad, load);
            devices[d] = new DevicePlacement(
                DeviceOfSlot(calculator, d), load, compute[d], communication[d], memory[d], nodeIds[d]);
        }

        return devices;
    }

    internal static DeviceId DeviceOfSlot(LoadCalculator calculator, int slot) =>
        calculator.IsAccelerator(slot) ? DeviceId.Accelerator(slot) : DeviceId.Cpu(slot - calculator.AcceleratorCount);

    private static int[] SlotsOf(IndexedGraph graph, IReadOnlyDictionary<int, DeviceId> deviceOfNode, List<string> violations)
    {
        int k = graph.Problem.Accelerators, l = graph.Problem.Cpus;
        var slots = new int[graph.NodeCount];
        for (var v = 0; v < graph.NodeCount; v++)
        {
            var id = graph.Ids[v];
            if (!deviceOfNode.TryGetValue(id, out var device))
            {
                violations.Add($"node {id} is not placed");
                continue;
            }

            var count = device.Kind == DeviceKind.Accelerator ? k : l;
            if (device.Index < 0 || device.Index >= count)
            {
                violations.Add($"node {id} is placed on {device}, which does not exist");
                continue;
            }

            slots[v] = device.Kind == DeviceKind.Accelerator ? device.Index : k + device.Index;
        }

        return slots;
    }

    private static void CheckRules(IndexedGraph graph, int[] slotOfNode, IReadOnlyList<DevicePlacement> devices, List<string> violations)
    {
        var k = graph.Problem.Accelerators;
        var slotOfClass = new Dictionary<int, int>();
        for (var v = 0; v < graph.NodeCount; v++)
        {
            var slot = slotOfNode[v];
            if (slot < k && !graph.Supported[v])
            {
                violations.Add($"node {graph.Ids[v]} is not supported on an accelerator but is placed on {devices[slot].Device}");
            }

            if (slotOfClass.TryGetValue(graph.ClassOf[v], out var classSlot) && classSlot != slot)
            {
                violations.Add($"node {graph.Ids[v]} is split from its colour class ({devices[slot].Device} vs {devices[classSlot].Device})");
            }

            slotOfClass[graph.ClassOf[v]] = slot;
        }

        for (var d = 0; d < k; d++)
        {
            if (!MemoryLimit.Fits(devices[d].Memory, graph.Problem.MaxMemoryPerAccelerator))
            {
                violations.Add($"{devices[d].Device} needs memory {devices[d].Memory}, above the limit {graph.Problem.MaxMemoryPerAccelerator}");
            }
        }

        if (violations.Count == 0 && !DeviceOrder.IsPipeline(graph, slotOfNode, devices.Count))
        {
            violations.Add("the device sets cannot be ordered as a pipeline (some data flows back to an earlier device)");
        }
    }
}
