using System.Linq;
using Sdk.Placement;

namespace Sdk.Compiler;

/// <summary>The best split the solver found: each declared layer's chip (null: nothing fits), its max-load, whether it is proven optimal, and the states examined.</summary>
internal sealed record PipelineSplit(int[]? ChipOfLayer, double MaxLoad, bool Optimal, long States);

/// <summary>
/// The declared layers split into contiguous runs over the chips in id order for the least max-load, by the exact
/// pipeline DP of Sdk.Placement (<see cref="PipelineSolver"/>) over this network's <see cref="PipelineCosts"/>.
/// </summary>
internal static class PipelineSearch
{
    /// <summary>The build's budget, in states examined (deterministic: the same network places the same everywhere).</summary>
    public static readonly PipelineOptions Budget = new() { MaxStatesExamined = 250_000 };

    public static PipelineSplit Solve(PipelineCosts costs, int chips, PipelineOptions? options = null)
    {
        var inputs = Enumerable.Range(0, costs.Count).Select(costs.Inputs).ToArray();
        var result = PipelineSolver.Solve(new PipelineProblem(inputs, chips, costs), options ?? Budget);
        return result.ChipOfNode.Count == 0
            ? new PipelineSplit(null, double.PositiveInfinity, result.Status == PlacementStatus.Optimal, result.StatesExamined)
            : new PipelineSplit(result.ChipOfNode.ToArray(), result.MaxLoad, result.Status == PlacementStatus.Optimal, result.StatesExamined);
    }
}
