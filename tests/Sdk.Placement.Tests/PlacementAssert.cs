using System;
using System.Linq;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

internal static class PlacementAssert
{
    /// <summary>The placement obeys every rule and the evaluator, scoring it independently, agrees on the max-load.</summary>
    public static void ValidPlacement(PlacementProblem problem, PlacementResult result)
    {
        Assert.Equal(problem.Nodes.Count, result.DeviceOfNode.Count);
        var evaluation = PlacementEvaluator.Evaluate(problem, result.DeviceOfNode);
        Assert.True(evaluation.IsValid, string.Join("; ", evaluation.Violations));
        Close(evaluation.MaxLoad, result.MaxLoad, 1e-12);
        Close(result.Devices.Max(d => d.Load), result.MaxLoad, 1e-12);
    }

    public static void Close(double expected, double actual, double relative)
    {
        var scale = Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= relative * scale, $"expected {expected:R}, got {actual:R}");
    }
}
