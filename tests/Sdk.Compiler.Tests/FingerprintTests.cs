using System;

namespace Sdk.Compiler.Tests;

/// <summary>A generated network's plan is compiled at run time from the spec the build wrote, and must be the build's plan.</summary>
public class FingerprintTests
{
    private static readonly NetworkSpec Spec = new(
        "Net",
        EquatableArray.Of(3, 8, 8),
        PlacementMode.Manual,
        EquatableArray<ChipSpec>.Empty,
        EquatableArray<LinkSpec>.Empty,
        EquatableArray.Of(
            new LayerSpec("Conv", LayerKind.Conv2D, new LayerArguments { Size = 4, Kernel = 3, Padding = 1, Bias = true }, LayerSpec.ReadsPrevious),
            new LayerSpec("Out", LayerKind.Dense, new LayerArguments { Size = 2, Bias = true }, LayerSpec.ReadsPrevious, OnChip: 1, Transfer: WireFormat.Float16)));

    [Fact]
    public void TheBuildsFingerprintLoadsThePlan()
    {
        var plan = NetworkPlan.Compile(Spec);
        Assert.Equal(PlanFingerprint.Of(plan), PlanFingerprint.Of(NetworkPlan.FromBuild(Spec, PlanFingerprint.Of(plan))));
    }

    [Fact]
    public void AnotherFingerprintIsRefusedWithTheReason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NetworkPlan.FromBuild(Spec, 42));
        Assert.Contains("Network 'Net': the plan this runtime's compiler derives", error.Message);
        Assert.Contains("is not the one the build computed (000000000000002a)", error.Message);
        Assert.Contains("different versions of the SDK", error.Message);
    }

    [Fact]
    public void EveryFigureChangesTheFingerprint()
    {
        var plan = PlanFingerprint.Of(NetworkPlan.Compile(Spec));
        var layers = Spec.Layers;
        Assert.NotEqual(plan, PlanFingerprint.Of(NetworkPlan.Compile(Spec with { Layers = layers.SetItem(1, layers[1] with { Transfer = WireFormat.BFloat16 }) })));
        Assert.NotEqual(plan, PlanFingerprint.Of(NetworkPlan.Compile(Spec with { Layers = layers.SetItem(0, layers[0] with { Arguments = layers[0].Arguments with { Size = 5 } }) })));
        Assert.NotEqual(plan, PlanFingerprint.Of(NetworkPlan.Compile(Spec with { InputShape = EquatableArray.Of(3, 8, 9) })));
    }
}
