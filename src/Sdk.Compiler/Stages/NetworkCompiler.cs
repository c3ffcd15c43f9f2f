using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>What compiling a network gave: the plan (null when there is any error) and every diagnostic.</summary>
public sealed record CompileResult(NetworkPlan? Plan, EquatableArray<CompilerDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// The compiler: spec in, plan out, in stages that each consume the previous one's output: branches
/// (<see cref="LcpTransform"/>, for <c>[Lcp]</c>), placement (<see cref="NetworkPlacement"/>, for
/// <c>PlacementMode.Auto</c>), network checks (<see cref="SpecChecks"/>, <see cref="BranchChecks"/>), layers
/// (<see cref="LayerResolver"/>: chips, inputs, shapes), partition (<see cref="Partitioner"/>: cuts, bottlenecks,
/// formats, counts), chips (<see cref="ChipTotals"/>), traffic (<see cref="TrafficChecks"/>). Pure and never
/// throws on a bad network: every problem is a diagnostic.
/// </summary>
public static class NetworkCompiler
{
    /// <summary>Derives the branches of an <c>[Lcp]</c> network, places the network when it asks for automatic placement, then compiles it.</summary>
    public static CompileResult Compile(NetworkSpec spec)
    {
        var lcp = LcpTransform.Apply(spec);
        if (lcp.Spec is not { } derived)
        {
            return new CompileResult(null, lcp.Diagnostics);
        }

        var placed = NetworkPlacement.Place(derived);
        var diagnostics = lcp.Diagnostics.Concat(placed.Diagnostics.Select(lcp.ToSource));
        if (placed.Spec is not { } placedSpec)
        {
            return new CompileResult(null, diagnostics.ToEquatableArray());
        }

        var compiled = CompilePlaced(placedSpec);
        return compiled with { Diagnostics = diagnostics.Concat(compiled.Diagnostics.Select(lcp.ToSource)).ToEquatableArray() };
    }

    /// <summary>Compiles a network whose chips are decided (<c>[OnChip]</c>, or what <see cref="NetworkPlacement.Place"/> chose).</summary>
    public static CompileResult CompilePlaced(NetworkSpec spec)
    {
        var diagnostics = new List<CompilerDiagnostic>();
        var plan = Build(spec, diagnostics);
        if (plan is not null && !HasErrors(diagnostics))
        {
            TrafficChecks.Report(spec, plan, diagnostics);
            ConvBounds.Report(spec, plan, diagnostics);
        }

        // Any error (memory, conflicting cuts) means no plan: nothing half-valid is handed on.
        return new CompileResult(HasErrors(diagnostics) ? null : plan, diagnostics.ToEquatableArray());
    }

    /// <summary>The stages up to the plan, for callers that evaluate hypothetical placements (no traffic diagnostics).</summary>
    internal static NetworkPlan? Build(NetworkSpec spec, List<CompilerDiagnostic> diagnostics)
    {
        var chipIds = SpecChecks.Check(spec, diagnostics);
        BranchChecks.Check(spec, diagnostics);
        if (spec.Layers.IsEmpty)
        {
            return null;
        }

        var layers = LayerResolver.Resolve(spec, chipIds, diagnostics);
        if (layers is null || HasErrors(diagnostics))
        {
            return null;
        }

        var partition = Partitioner.Partition(spec, layers, diagnostics);
        if (partition is null || HasErrors(diagnostics))
        {
            return null;
        }

        var chipCount = spec.Chips.IsEmpty ? layers.Max(l => l.Chip) + 1 : spec.Chips.Count;
        var chips = ChipTotals.Count(spec, partition.Layers, chipCount);
        var links = spec.Links.Select(l => new LinkInfo
        {
            ChipA = l.ChipA,
            ChipB = l.ChipB,
            GigabytesPerSecond = l.GigabytesPerSecond,
            LatencyMicroseconds = l.LatencyMicroseconds,
            BudgetBytesPerSample = l.BudgetBytesPerSample,
        });
        return new NetworkPlan(spec, chips.ToEquatableArray(), links.ToEquatableArray(), partition.Layers.ToEquatableArray(), partition.Cuts.ToEquatableArray());
    }

    private static bool HasErrors(List<CompilerDiagnostic> diagnostics) => diagnostics.Any(d => d.Severity == Severity.Error);
}
