using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>
/// From a DP's stages to a device slot per node (accelerators 0..k-1 numbered in pipeline order, then CPUs k..):
/// units take their stage's slot, and each free group joins the stage of its latest predecessor (the first stage if
/// it has none); with no stages at all (everything free) slot 0 is accelerator 0, or CPU 0 when there are none.
/// </summary>
internal static class SlotAssignment
{
    public static int[] Assign(IndexedGraph graph, PlacementUnits units, DpSolution solution)
    {
        var kinds = solution.StageKinds;
        var slotOfStage = new int[kinds.Count];
        int nextAccelerator = 0, nextCpu = 0;
        for (var s = 0; s < kinds.Count; s++)
        {
            slotOfStage[s] = kinds[s] == DeviceKind.Accelerator ? nextAccelerator++ : graph.Problem.Accelerators + nextCpu++;
        }

        var slotOfNode = new int[graph.NodeCount];
        for (var unit = 0; unit < units.Count; unit++)
        {
            foreach (var node in units.NodesOfUnit[unit])
            {
                slotOfNode[node] = slotOfStage[solution.StageOfUnit[unit]];
            }
        }

        var stageOfFree = new int[units.Free.Count];
        for (var f = 0; f < units.Free.Count; f++)
        {
            var group = units.Free[f];
            stageOfFree[f] = Latest(group.PredecessorUnits, solution.StageOfUnit, Latest(group.PredecessorFreeGroups, stageOfFree, 0));
            foreach (var node in group.Nodes)
            {
                slotOfNode[node] = kinds.Count > 0 ? slotOfStage[stageOfFree[f]] : 0;
            }
        }

        return slotOfNode;
    }

    private static int Latest(IEnumerable<int> items, int[] stageOf, int stage)
    {
        foreach (var item in items)
        {
            stage = stageOf[item] > stage ? stageOf[item] : stage;
        }

        return stage;
    }
}
