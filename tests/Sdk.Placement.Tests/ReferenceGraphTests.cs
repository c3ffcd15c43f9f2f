using System.IO;
using Sdk.Placement;

namespace Sdk.Placement.Tests;

/// <summary>The four reference inputs must reach the optima the reference DP reports (docs/placement.md).</summary>
public class ReferenceGraphTests
{
    public static TheoryData<string, double> Optima() => new()
    {
        { "LayerGraphs_bert24_inference", 17.78990625 },
        { "LayerGraphs_bert24_training", 41.7458125 },
        { "LayerGraphs_gnmt_inference", 32.910658203125 },
        { "OperatorGraphs_bert_l-3_inference", 27.9185676799125 },
    };

    [Theory]
    [MemberData(nameof(Optima))]
    public void SolverReachesTheReferenceOptimum(string graph, double optimum)
    {
        var problem = TestData.Load(graph);

        var result = PlacementSolver.Solve(problem);

        Assert.Equal(PlacementStatus.Optimal, result.Status);
        PlacementAssert.Close(optimum, result.MaxLoad, 1e-6);
        PlacementAssert.ValidPlacement(problem, result);
        Assert.True(result.Stats.IdealCount > 0);
    }

    [Theory]
    [MemberData(nameof(Optima))]
    public void LinearisedFallbackIsAValidUpperBound(string graph, double optimum)
    {
        var problem = TestData.Load(graph);

        var result = PlacementSolver.Solve(problem, PlacementSolverOptions.Default with { MaxIdeals = 1 });

        // bert24's units (after zero-cost merging) form a total order: the linearised split is its exact answer.
        var totalOrder = graph.StartsWith("LayerGraphs_bert24", System.StringComparison.Ordinal);
        Assert.Equal(totalOrder ? PlacementStatus.Optimal : PlacementStatus.Fallback, result.Status);
        Assert.Equal(totalOrder ? FallbackReason.None : FallbackReason.TooManyIdeals, result.FallbackReason);
        Assert.True(result.MaxLoad >= optimum * (1 - 1e-9));
        PlacementAssert.ValidPlacement(problem, result);
    }

    [Theory]
    [MemberData(nameof(Optima))]
    public void DataCopyMatchesTheSharedOriginal(string graph, double optimum)
    {
        _ = optimum;
        var shared = TestData.SharedDirectory();
        if (shared is null)
        {
            return; // outside the workspace only the copy exists
        }

        Assert.Equal(File.ReadAllText(Path.Combine(shared, graph + ".json")), File.ReadAllText(TestData.GraphPath(graph)));
    }
}
