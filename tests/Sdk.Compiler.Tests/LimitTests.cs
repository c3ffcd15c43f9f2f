using System.Linq;

namespace Sdk.Compiler.Tests;

/// <summary>
/// Extreme sizes are diagnostics with the layer, the shape and the limit, never a wrapped-around int or a wrong
/// plan: every size is computed in 64 bits and checked against what one array holds.
/// </summary>
public class LimitTests
{
    private static NetworkSpec Net(int[] input, params LayerSpec[] layers) =>
        new("Net", input, PlacementMode.Manual, EquatableArray<ChipSpec>.Empty, EquatableArray<LinkSpec>.Empty, layers);

    private static LayerSpec Conv(int filters, int kernel = 3, int stride = 1, int padding = 0, int dilation = 1) =>
        new("Conv", LayerKind.Conv2D, new LayerArguments { Size = filters, Kernel = kernel, Stride = stride, Padding = padding, Dilation = dilation, Bias = true }, LayerSpec.ReadsPrevious);

    private static CompilerDiagnostic Single(NetworkSpec spec, DiagnosticRule rule)
    {
        var result = NetworkCompiler.Compile(spec);
        Assert.Null(result.Plan);
        return Assert.Single(result.Diagnostics, d => d.Id == rule.Id);
    }

    [Fact]
    public void AHugeDilationLeavesNoWindowInsteadOfWrappingAround()
    {
        var error = Single(Net(new[] { 4, 32, 32 }, Conv(32, dilation: int.MaxValue)), DiagnosticRules.EmptyOutput);
        Assert.Equal("Layer 'Conv' (Conv2D) on input shape [4, 32, 32] gives output size 0x0: the window is larger than the padded input", error.Message);
    }

    /// <summary>The zero-padded input must fit one tensor (checked on Padding before any output shape: a stride as huge would make the output small).</summary>
    [Fact]
    public void AHugePaddingIsRefusedWithTheLimit()
    {
        var error = Single(Net(new[] { 4, 28, 28 }, Conv(4, padding: int.MaxValue)), DiagnosticRules.InvalidArgument);
        Assert.Equal("Layer 'Conv': Padding is 2147483647; it must be small enough that the padded input [4, 28 + 2 x padding, 28 + 2 x padding] fits one tensor (2147483591 elements)", error.Message);
        Assert.Equal(DiagnosticRules.InvalidArgument.Id, Single(Net(new[] { 4, 28, 28 }, Conv(4, padding: int.MaxValue, stride: int.MaxValue)), DiagnosticRules.InvalidArgument).Id);
    }

    [Fact]
    public void AHugeLayerIsATensorTooLargeAndAHugeWeightAParameterTooLarge()
    {
        var wide = new LayerSpec("Wide", LayerKind.Dense, new LayerArguments { Size = int.MaxValue, Bias = true }, LayerSpec.ReadsPrevious);
        Assert.Contains("[2147483647], 2147483647 elements per sample", Single(Net(new[] { 4 }, wide), DiagnosticRules.TensorTooLarge).Message);

        var dense = new LayerSpec("Dense", LayerKind.Dense, new LayerArguments { Size = 100000, Bias = true }, LayerSpec.ReadsPrevious);
        var error = Single(Net(new[] { 100000 }, dense), DiagnosticRules.ParameterTooLarge);
        Assert.Equal("Layer 'Dense' (Dense) needs parameter 'Dense.weight' of shape [100000, 100000], 10000000000 elements, more than the 2147483591 one tensor can hold", error.Message);
    }

    [Fact]
    public void AHugeInputShapeIsRefused()
    {
        var error = Single(Net(new[] { 100000, 100000, 100000 }, Conv(1)), DiagnosticRules.InvalidInputShape);
        Assert.Contains("InputShape [100000, 100000, 100000]", error.Message);
    }

    [Fact]
    public void AHugeBottleneckRatioNarrowsToOneChannel()
    {
        var spec = Net(new[] { 8, 6, 6 }, Conv(16, padding: 1), Conv(8, padding: 1) with { Name = "Next", OnChip = 1, BottleneckRatio = int.MaxValue });
        var plan = NetworkPlan.Compile(spec);
        Assert.Equal(new[] { 1, 6, 6 }, plan.Cuts.Single().Shape);
        Assert.Equal(4L * 36, plan.Cuts.Single().ForwardBytesPerSample);
    }

    [Fact]
    public void NonFiniteArgumentsAreRefused()
    {
        var bn = new LayerSpec("Bn", LayerKind.BatchNorm, new LayerArguments { Epsilon = double.NaN, Momentum = 0.1 }, LayerSpec.ReadsPrevious);
        Assert.Equal("Layer 'Bn': Epsilon is NaN; it must be a positive finite number", Single(Net(new[] { 4 }, bn), DiagnosticRules.InvalidArgument).Message);

        var chips = EquatableArray.Of(new ChipSpec(0, "npu", double.PositiveInfinity));
        var spec = Net(new[] { 4 }, new LayerSpec("D", LayerKind.Dense, new LayerArguments { Size = 4 }, LayerSpec.ReadsPrevious)) with { Chips = chips };
        var message = Single(spec, DiagnosticRules.InvalidArgument).Message;
        Assert.True(message == "Chip 0 ('npu'): Gflops is Infinity; it must be zero (unknown) or a number from 1e-9 to 1e15", message);
    }
}
