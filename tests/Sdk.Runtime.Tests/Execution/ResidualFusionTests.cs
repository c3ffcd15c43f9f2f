using System;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// Residual Adds in a convolution's epilogue on CPU chips (<see cref="ResidualFusionNet"/>): the outputs equal ONNX
/// Runtime's on the exported model, the sums equal the ILGPU chip's (which runs every Add as its own kernel), and
/// reading a fused convolution names the Add to read instead.
/// </summary>
public sealed class ResidualFusionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void FusedAddsGiveOnnxRuntimesOutputs(int batch)
    {
        var network = new ResidualFusionNet();
        var plan = ResidualFusionNet.Plan;
        ExecutionAssert.CopyParameters(TestParameters.Random(plan, seed: 11), network.Parameters);
        var input = TestParameters.Input(batch, plan.InputShape, seed: 12);
        using var chips = ChipSet.Cpu(1);
        using var model = Model.Create(network, chips);

        Tolerance.AssertClose(OnnxRuntimeRunner.Run(plan, network.Parameters, input, batch), model.Run(input, batch), Tolerance.Default, "ResidualFusionNet (ours vs ONNX Runtime)");
    }

    [Fact]
    public void TheSumsEqualTheUnfusedBackends_AndFusedConvolutionsNameTheAdd()
    {
        var network = new ResidualFusionNet();
        var plan = ResidualFusionNet.Plan;
        ExecutionAssert.CopyParameters(TestParameters.Random(plan, seed: 13), network.Parameters);
        var input = TestParameters.Input(3, plan.InputShape, seed: 14);
        using var cpu = ChipSet.Cpu(1);
        using var ilgpu = TrafficTests.Chips("IlgpuCpu", 1);
        using var fused = Model.Create(network, cpu);
        using var unfused = Model.Create(network, ilgpu);

        foreach (var layer in new[] { "Sum", "Sum2", "Conv4", "Down" })
        {
            Tolerance.AssertClose(unfused.RunTo(layer, input, 3), fused.RunTo(layer, input, 3), Tolerance.Default, layer);
        }

        Assert.Contains("read 'Sum'", Assert.Throws<InvalidOperationException>(() => fused.RunTo("Bn2", input, 3)).Message);
        Assert.Contains("read 'Sum2'", Assert.Throws<InvalidOperationException>(() => fused.RunTo("Conv3", input, 3)).Message);
        Assert.Equal(3 * 32 * 5 * 5, fused.RunTo("Proj", input, 3).Length); // Down's shortcut comes later: Down runs alone
    }
}
