using System.Collections.Generic;
using System.Linq;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

/// <summary>The cost model by hand: a node's output is paid once by its device and once by each device reading it.</summary>
public class CostModelTests
{
    // a -> b, a -> c (a's output costs 2), b -> d (1), c -> d (3); accelerator latencies 1, 2, 3, 4.
    private static PlacementProblem Diamond(int accelerators = 3, int cpus = 1, double memory = 100) => new(
        new List<PlacementNode>
        {
            new(1, 10, 1, 5), new(2, 20, 2, 5), new(3, 30, 3, 5), new(4, 40, 4, 5, SupportedOnAccelerator: true),
        },
        new List<PlacementEdge> { new(1, 2, 2), new(1, 3, 2), new(2, 4, 1), new(3, 4, 3) },
        accelerators,
        cpus,
        memory);

    private static Dictionary<int, DeviceId> Place(params (int Node, DeviceId Device)[] placement) =>
        placement.ToDictionary(p => p.Node, p => p.Device);

    private static readonly DeviceId A0 = DeviceId.Accelerator(0);
    private static readonly DeviceId A1 = DeviceId.Accelerator(1);
    private static readonly DeviceId A2 = DeviceId.Accelerator(2);
    private static readonly DeviceId Cpu = DeviceId.Cpu(0);

    [Fact]
    public void SenderPaysOnceAndEachReceivingDevicePaysOnce()
    {
        var evaluation = PlacementEvaluator.Evaluate(Diamond(), Place((1, A0), (2, A0), (3, A1), (4, A1)));

        Assert.True(evaluation.IsValid);
        Assert.Equal(1 + 2 + 2 + 1, evaluation.Devices[0].Load); // a -> c and b -> d leave
        Assert.Equal(3 + 4 + 2 + 1, evaluation.Devices[1].Load); // a's and b's outputs arrive
        Assert.Equal(10, evaluation.MaxLoad);
    }

    [Fact]
    public void OneOutputReadTwiceOnAnotherDeviceIsPaidOnce()
    {
        var evaluation = PlacementEvaluator.Evaluate(Diamond(), Place((1, A0), (2, A1), (3, A1), (4, A1)));

        Assert.Equal(1 + 2, evaluation.Devices[0].Load);
        Assert.Equal(2 + 3 + 4 + 2, evaluation.Devices[1].Load);
    }

    [Fact]
    public void OneOutputReadOnTwoDevicesIsSentOnceAndReceivedTwice()
    {
        var evaluation = PlacementEvaluator.Evaluate(Diamond(), Place((1, A0), (2, A1), (3, A2), (4, A2)));

        Assert.Equal(1 + 2, evaluation.Devices[0].Load);
        Assert.Equal(2 + 2 + 1, evaluation.Devices[1].Load); // receives a, sends b
        Assert.Equal(3 + 4 + 2 + 1, evaluation.Devices[2].Load); // receives a and b
    }

    [Fact]
    public void CpusPayNoCommunicationButTheirPartnersDo()
    {
        var evaluation = PlacementEvaluator.Evaluate(Diamond(), Place((1, Cpu), (2, A0), (3, A0), (4, A0)));

        Assert.Equal(10, evaluation.Devices.Single(d => d.Device == Cpu).Load);
        Assert.Equal(2 + 3 + 4 + 2, evaluation.Devices[0].Load);
    }

    [Fact]
    public void EvaluatorReportsEveryBrokenRule()
    {
        var problem = new PlacementProblem(
            new List<PlacementNode> { new(1, 1, 1, 60, SupportedOnAccelerator: false), new(2, 1, 1, 60, ColorClass: 5), new(3, 1, 1, 0, ColorClass: 5) },
            new List<PlacementEdge> { new(1, 2, 1) },
            accelerators: 2,
            cpus: 1,
            maxMemoryPerAccelerator: 100);

        var evaluation = PlacementEvaluator.Evaluate(problem, Place((1, A0), (2, A0), (3, A1)));

        Assert.Contains(evaluation.Violations, v => v.Contains("node 1 is not supported"));
        Assert.Contains(evaluation.Violations, v => v.Contains("colour class"));
        Assert.Contains(evaluation.Violations, v => v.Contains("memory 120"));
        Assert.Contains(PlacementEvaluator.Evaluate(problem, Place((1, Cpu))).Violations, v => v == "node 2 is not placed");
        Assert.Contains(PlacementEvaluator.Evaluate(problem, Place((1, Cpu), (2, A2), (3, A2))).Violations, v => v.Contains("does not exist"));
    }

    [Fact]
    public void SolverRespectsMemoryAndSupport()
    {
        // Each accelerator holds at most two nodes, so the diamond needs both accelerators; node 4 cannot run there.
        var problem = new PlacementProblem(
            new List<PlacementNode> { new(1, 10, 1, 5), new(2, 20, 2, 5), new(3, 30, 3, 5), new(4, 4, 4, 5, SupportedOnAccelerator: false) },
            Diamond().Edges,
            accelerators: 2,
            cpus: 1,
            maxMemoryPerAccelerator: 10);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal(Cpu, result.DeviceOfNode[4]);
        Assert.All(result.Devices.Where(d => d.Device.Kind == DeviceKind.Accelerator), d => Assert.True(d.Memory <= 10));
        Assert.Equal(BruteForcePlacementSolver.Solve(problem).MaxLoad, result.MaxLoad);
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Fact]
    public void NoRoomAnywhereIsInfeasible()
    {
        var result = PlacementSolver.Solve(Diamond(accelerators: 1, cpus: 0, memory: 15));

        Assert.Equal(PlacementStatus.Infeasible, result.Status);
        Assert.Equal(FallbackReason.None, result.FallbackReason);
        Assert.True(double.IsPositiveInfinity(result.MaxLoad));
        Assert.Empty(result.DeviceOfNode);
    }

    [Fact]
    public void EmptyGraphCostsNothing()
    {
        var result = PlacementSolver.Solve(new PlacementProblem(new List<PlacementNode>(), new List<PlacementEdge>(), 2, 0, 1));

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        Assert.Equal(0, result.MaxLoad);
    }
}
