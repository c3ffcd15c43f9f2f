using System.Collections.Generic;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

/// <summary>What "contiguous" means for the DP, pinned down on small examples.</summary>
public class ContiguityTests
{
    // 1 -> 4 (cost 0), 2 -> 3 (cost 1), 2 -> 4. {1,3} and {2,4} are each convex, but data flows both ways between
    // them, so no pipeline order of the two devices exists.
    private static PlacementProblem TwoWayExample() => new(
        new List<PlacementNode>
        {
            new(1, 100, 4, 0), new(2, 100, 3, 0), new(3, 100, 2, 0), new(4, 100, 3, 0),
        },
        new List<PlacementEdge> { new(1, 4, 0), new(2, 3, 1), new(2, 4, 1) },
        accelerators: 2,
        cpus: 0,
        maxMemoryPerAccelerator: double.PositiveInfinity);

    [Fact]
    public void DpIsExactForPipelineOrderNotForMerelyConvexSets()
    {
        var problem = TwoWayExample();

        var dp = PlacementSolver.Solve(problem);
        var pipeline = BruteForcePlacementSolver.Solve(problem, ContiguityRule.PipelineOrder);
        var convex = BruteForcePlacementSolver.Solve(problem, ContiguityRule.ConvexSets);

        Assert.Equal(8, dp.MaxLoad);
        Assert.Equal(8, pipeline.MaxLoad);
        Assert.Equal(7, convex.MaxLoad); // {1,3} | {2,4}: 6 + 1 received and 6 + 1 sent
        Assert.Equal(new[] { 1, 3 }, convex.Devices[0].NodeIds);
    }

    [Fact]
    public void EvaluatorRejectsDevicesThatFeedEachOther()
    {
        var problem = TwoWayExample();
        var twoWay = new Dictionary<int, DeviceId>
        {
            [1] = DeviceId.Accelerator(0), [3] = DeviceId.Accelerator(0),
            [2] = DeviceId.Accelerator(1), [4] = DeviceId.Accelerator(1),
        };

        var evaluation = PlacementEvaluator.Evaluate(problem, twoWay);

        Assert.False(evaluation.IsValid);
        Assert.Contains(evaluation.Violations, v => v.Contains("pipeline"));
        Assert.Equal(7, evaluation.MaxLoad);
    }

    [Fact]
    public void ColourClassesThatCloseACycleAreKeptTogether()
    {
        // 1 -> 2 -> 3 with 1 and 3 in one colour class: 2 must join them, or data would flow back.
        var problem = new PlacementProblem(
            new List<PlacementNode> { new(1, 9, 5, 0, ColorClass: 7), new(2, 9, 5, 0), new(3, 9, 5, 0, ColorClass: 7) },
            new List<PlacementEdge> { new(1, 2, 0), new(2, 3, 0) },
            accelerators: 3,
            cpus: 0,
            maxMemoryPerAccelerator: double.PositiveInfinity);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(15, result.MaxLoad);
        Assert.Equal(1, result.Stats.UnitCount);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void BackwardNodesFollowTheirForwardTwin()
    {
        // Forward 1 -> 2, backward 12 -> 11 (twins by colour class); 2 -> 12 stashes an activation.
        var problem = new PlacementProblem(
            new List<PlacementNode>
            {
                new(1, 10, 2, 0, ColorClass: 1), new(2, 10, 2, 0, ColorClass: 2),
                new(11, 10, 4, 0, IsBackward: true, ColorClass: 1), new(12, 10, 4, 0, IsBackward: true, ColorClass: 2),
            },
            new List<PlacementEdge> { new(1, 2, 1), new(2, 12, 0.5), new(12, 11, 1) },
            accelerators: 2,
            cpus: 0,
            maxMemoryPerAccelerator: double.PositiveInfinity);

        var result = PlacementSolver.Solve(problem);

        // {1, 11} and {2, 12}: 6 + 1 (1 sends) + 1 (12's gradient arrives) = 8 on each device.
        Assert.Equal(8, result.MaxLoad);
        Assert.Equal(result.DeviceOfNode[1], result.DeviceOfNode[11]);
        Assert.Equal(result.DeviceOfNode[2], result.DeviceOfNode[12]);
        Assert.Equal(BruteForcePlacementSolver.Solve(problem).MaxLoad, result.MaxLoad);
    }
}
