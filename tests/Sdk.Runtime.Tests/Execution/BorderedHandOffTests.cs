using System;
using System.Linq;
using System.Runtime.Intrinsics.X86;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// A pooled stem handing its output to the next convolution with the padding already around it, on CPU chips
/// (<see cref="BorderedHandOffNet"/>): below two samples per thread the dense path, from there the bordered one; at
/// every batch, run after run (the buffers are reused, the border must stay zero), the logits and the pooled tensor in
/// between equal the ILGPU chip's, which runs every layer on its own, and the logits ONNX Runtime's.
/// </summary>
public sealed class BorderedHandOffTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public void TheBorderedHandOffGivesTheUnfusedBackendsValues(int batch)
    {
        var network = new BorderedHandOffNet();
        var plan = BorderedHandOffNet.Plan;
        ExecutionAssert.CopyParameters(TestParameters.Random(plan, seed: 21), network.Parameters);
        using var cpu = ChipSet.Cpu(1);
        using var ilgpu = TrafficTests.Chips("IlgpuCpu", 1);
        using var ours = Model.Create(network, cpu);
        using var reference = Model.Create(network, ilgpu);

        // The hand-off is planned (it needs the AVX2 stencil), and this batch takes it or not.
        var executor = (CpuInferenceExecutor)ours.Executor(0);
        Assert.Equal(Avx2.IsSupported ? [plan.Layers.Single(l => l.Name == "Pool1").Index] : Array.Empty<int>(), executor.BorderedLayers);
        Assert.Equal(2 * CpuWorkerPool.Shared.ThreadCount, executor.BorderFromBatch);
        for (int run = 0; run < 2; run++)
        {
            var input = TestParameters.Input(batch, plan.InputShape, seed: 22 + run);
            Tolerance.AssertClose(reference.Run(input, batch), ours.Run(input, batch), Tolerance.Default, $"logits, batch {batch}, run {run}");
            Tolerance.AssertClose(reference.RunTo("Pool1", input, batch), ours.RunTo("Pool1", input, batch), Tolerance.Default, $"Pool1, batch {batch}, run {run}");
            Tolerance.AssertClose(OnnxRuntimeRunner.Run(plan, network.Parameters, input, batch), ours.Run(input, batch), Tolerance.Default, $"ours vs ONNX Runtime, batch {batch}, run {run}");
        }
    }
}
