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

        foreach (var layer in new[] { "Sum", "Sum2", "Proj", "Down" })
        {
            Tolerance.AssertClose(unfused.RunTo(layer, input, 3), fused.RunTo(layer, input, 3), Tolerance.Default, layer);
        }

        Assert.Contains("read 'Sum'", Assert.Throws<InvalidOperationException>(() => fused.RunTo("Bn2", input, 3)).Message);
        Assert.Contains("read 'Sum2'", Assert.Throws<InvalidOperationException>(() => fused.RunTo("Conv3", input, 3)).Message);
        Assert.Contains("read 'Down'", Assert.Throws<InvalidOperationException>(() => fused.RunTo("Conv4", input, 3)).Message);
    }

    /// <summary>
    /// Down's shortcut Proj comes after Conv4 in the plan and runs just before it, so that Conv4 can add it: every layer
    /// still equals the unfused backend's at every batch, run after run (the buffers are reused), and Proj's own output
    /// stays readable, computed once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void AShortcutLaterInThePlanRunsFirst(int batch)
    {
        var network = new ResidualFusionNet();
        var plan = ResidualFusionNet.Plan;
        ExecutionAssert.CopyParameters(TestParameters.Random(plan, seed: 15), network.Parameters);
        using var cpu = ChipSet.Cpu(1);
        using var ilgpu = TrafficTests.Chips("IlgpuCpu", 1);
        using var fused = Model.Create(network, cpu);
        using var unfused = Model.Create(network, ilgpu);
        for (int run = 0; run < 2; run++)
        {
            var input = TestParameters.Input(batch, plan.InputShape, seed: 16 + run);
            Tolerance.AssertClose(unfused.Run(input, batch), fused.Run(input, batch), Tolerance.Default, $"logits, run {run}");
            Tolerance.AssertClose(unfused.RunTo("Proj", input, batch), fused.RunTo("Proj", input, batch), Tolerance.Default, $"Proj, run {run}");
            Tolerance.AssertClose(unfused.RunTo("Down", input, batch), fused.RunTo("Down", input, batch), Tolerance.Default, $"Down, run {run}");
        }
    }
}
