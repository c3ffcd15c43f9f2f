using System;
using System.Linq;
using FashionCnn = FashionMnistSample.FashionCnn;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Variants;

/// <summary>
/// Plan variants (<c>NetworkPlan.WithBottleneck</c>, <c>WithTransfer</c>, <c>WithChip</c>) against the plans the
/// generator compiled for the equivalent declared classes (Networks/VariantNetworks.cs): the same spec, layers,
/// cuts, chips and bytes.
/// </summary>
public sealed class PlanVariantTests
{
    [Fact]
    public void AnotherRatio_IsThePlanOfTheDeclaredClass() =>
        AssertSamePlan(FashionCnnRatio16.Plan, FashionCnn.Plan.WithBottleneck("Conv2", 16));

    [Fact]
    public void BottleneckRemoved_AndAnotherWireFormat_IsThePlanOfTheDeclaredClass() =>
        AssertSamePlan(FashionCnnHalfWire.Plan, FashionCnn.Plan.WithBottleneck("Conv2", null).WithTransfer("Conv2", WireFormat.Float16));

    [Fact]
    public void TruncatedBits_IsThePlanOfTheDeclaredClass()
    {
        var variant = FashionCnn.Plan.WithBottleneck("Conv2", null).WithTransfer("Conv2", WireFormat.Truncated, 12);

        AssertSamePlan(FashionCnnTruncatedWire.Plan, variant);
        Assert.Equal((32 * 14 * 14 * 12 + 7) / 8, variant.ForwardBytesPerSample); // ceil(n * 12 / 8), bit-packed
    }

    [Fact]
    public void BitsWithoutAFormat_OrOutsideTheRange_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => FashionCnn.Plan.WithTransfer("Conv2", null, 12));
        var wide = Assert.Throws<Sdk.Compiler.NetworkCompilationException>(() => FashionCnn.Plan.WithTransfer("Conv2", WireFormat.Truncated, 33));
        var stray = Assert.Throws<Sdk.Compiler.NetworkCompilationException>(() => FashionCnn.Plan.WithTransfer("Conv2", WireFormat.Float16, 12));

        Assert.Equal("SDK0006", Assert.Single(wide.Diagnostics, d => d.Severity == Sdk.Compiler.Severity.Error).Id);
        Assert.Equal("SDK0006", Assert.Single(stray.Diagnostics, d => d.Severity == Sdk.Compiler.Severity.Error).Id);
    }

    [Fact]
    public void CutMoved_IsThePlanOfTheDeclaredClass() =>
        AssertSamePlan(
            FashionCnnLateCut.Plan,
            FashionCnn.Plan.WithChip("Fc1", 1).WithChip("Conv2", null).WithBottleneck("Conv2", null).WithBottleneck("Fc1", 8));

    [Fact]
    public void EveryStepOfAChain_Compiles_OrThrows()
    {
        // Removing the old cut first would put every layer on chip 0, whose 1 MiB does not hold Fc1's 1.6 MB.
        var error = Assert.Throws<Sdk.Compiler.NetworkCompilationException>(() => FashionCnn.Plan.WithChip("Conv2", null));

        Assert.Equal("SDK0020", error.Diagnostics.Single(d => d.Severity == Sdk.Compiler.Severity.Error).Id);
    }

    [Fact]
    public void ResidualCutMoved_IsThePlanOfTheDeclaredClass() =>
        AssertSamePlan(SplitResidualMoved.Plan, SplitResidual.Plan.WithChip("Conv3", null).WithChip("Pool", 1).WithBottleneck("Pool", 2));

    [Fact]
    public void ResidualBottleneckAdded_IsThePlanOfTheDeclaredClass() =>
        AssertSamePlan(SplitResidualNarrowed.Plan, SplitResidual.Plan.WithBottleneck("Conv3", 4));

    [Fact]
    public void VariantsRoundTrip_ToTheOriginalPlan()
    {
        var back = FashionCnn.Plan.WithBottleneck("Conv2", 16).WithTransfer("Conv2", WireFormat.Int8).WithTransfer("Conv2", null).WithBottleneck("Conv2", 4);

        Assert.Equal(FashionCnn.Plan.Spec, back.Spec);
        Assert.Equal(FashionCnn.Plan.Cuts, back.Cuts);
    }

    [Fact]
    public void AMissingLayer_IsAnArgumentException_NamingItAndTheNetwork()
    {
        var error = Assert.Throws<ArgumentException>(() => FashionCnn.Plan.WithBottleneck("Conv9", 4));

        Assert.Contains("'Conv9'", error.Message);
        Assert.Contains("'FashionCnn'", error.Message);
        Assert.Throws<ArgumentException>(() => FashionCnn.Plan.WithChip("Conv2.encoder", 0)); // inserted layers are not declared
    }

    [Fact]
    public void ABadVariant_ThrowsTheCompilersDiagnostic()
    {
        var zero = Assert.Throws<Sdk.Compiler.NetworkCompilationException>(() => FashionCnn.Plan.WithBottleneck("Conv2", 0));
        var chip = Assert.Throws<Sdk.Compiler.NetworkCompilationException>(() => FashionCnn.Plan.WithChip("Fc1", 2));

        Assert.Equal("SDK0006", Assert.Single(zero.Diagnostics, d => d.Severity == Sdk.Compiler.Severity.Error).Id);
        Assert.Equal("SDK0015", Assert.Single(chip.Diagnostics, d => d.Severity == Sdk.Compiler.Severity.Error).Id);
        Assert.Contains("Layer 'Fc1' is placed on chip 2", chip.Message);
    }

    [Fact]
    public void CopyFrom_CarriesEveryTensorOfTheSameNameAndShape_AndLeavesTheNewOnes()
    {
        var trained = new ParameterSet(FashionCnn.Plan, seed: 3);
        var variant = FashionCnn.Plan.WithBottleneck("Conv2", 16);
        var parameters = new ParameterSet(variant, seed: 5);
        var fresh = parameters["Conv2.encoder.weight"].ToArray();

        var copied = parameters.CopyFrom(trained);

        // The encoder narrows to 2 channels instead of 8: its weight, its bias and the decoder's weight change shape;
        // the decoder's bias restores the same 32 channels, so it is carried.
        string[] reshaped = ["Conv2.encoder.weight", "Conv2.encoder.bias", "Conv2.decoder.weight"];
        Assert.Equal(trained.Tensors.Select(t => t.Name).Except(reshaped), copied);
        Assert.All(copied, name => Assert.Equal(trained[name], parameters[name]));
        Assert.Equal(fresh, parameters["Conv2.encoder.weight"]);
    }

    private static void AssertSamePlan(NetworkPlan declared, NetworkPlan variant)
    {
        Assert.Equal(declared.Spec, variant.Spec with { Name = declared.Name });
        Assert.Equal(declared.Layers, variant.Layers);
        Assert.Equal(declared.Cuts, variant.Cuts);
        Assert.Equal(declared.Chips, variant.Chips);
        Assert.Equal(declared.Links, variant.Links);
        Assert.Equal(declared.ForwardBytesPerSample, variant.ForwardBytesPerSample);
        Assert.Equal(declared.BackwardBytesPerSample, variant.BackwardBytesPerSample);
    }
}
