using System.Linq;
using ResNetTraffic;
using Sdk.Runtime.Tests.Execution;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Branches;

/// <summary>
/// Branched networks in inference, on every backend: the input reaches each branch chip over its input cut (in
/// that cut's wire format), the outputs are the reference interpreter's, and the ledger's bytes are the arithmetic
/// written here.
/// </summary>
public sealed class BranchExecutionTests
{
    private const int Batch = 3;

    [Theory]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void ThreeBranchesComputeWhatTheReferenceDoes(string backend) => ThreeBranchesOn(() => ChipSet.Create(backend, 4), backend);

    [GpuFact]
    public void ThreeBranchesOnAGpu() => ThreeBranchesOn(() => Gpu.Chips(4), "gpu");

    private static void ThreeBranchesOn(System.Func<ChipSet> createChips, string backend)
    {
        var network = new ThreeBranches();
        var plan = ThreeBranches.Plan;
        var parameters = TestParameters.Random(plan, seed: 4);
        ExecutionAssert.CopyParameters(parameters, network.Parameters);
        var input = TestParameters.Input(Batch, plan.InputShape, seed: 5);

        using var chips = createChips();
        using var model = Model.Create(network, chips);
        var output = model.Run(input, Batch);

        // The reference rounds the input as each branch's cut does (Float16, Int8).
        Tolerance.AssertClose(new ReferenceInterpreter(plan, parameters).Run(input, Batch), output, bound: 1e-4, what: $"{backend} output");
        Assert.True(model.Ledger.MatchesPlan, model.Ledger.ToMarkdown());

        // Input to chip 1 as Float16: 72 x 2 B; to chip 2 as Int8: 72 B + a 4-byte scale; 4 floats from each branch.
        Assert.Equal(
            new[] { (0, 1, Batch * 144L), (0, 2, Batch * 76L), (0, 3, Batch * 16L), (1, 3, Batch * 16L), (2, 3, Batch * 16L) },
            model.Ledger.Cuts.Select(c => (c.Cut.FromChip, c.Cut.ToChip, c.ForwardBytes)));
    }

    [Fact]
    public void TheLossyInputCutsMatter()
    {
        // The same network read with exact inputs everywhere differs: the branches did compute from the wire values.
        var plan = ThreeBranches.Plan;
        var parameters = TestParameters.Random(plan, seed: 4);
        var input = TestParameters.Input(Batch, plan.InputShape, seed: 5);
        var wire = new ReferenceInterpreter(plan, parameters).Run(input, Batch);
        var exact = new ReferenceInterpreter(plan, parameters, emulateWireFormats: false).Run(input, Batch);

        Assert.True(ExecutionAssert.RelativeError(wire, exact) > 1e-6);
    }

    [Fact]
    public void LcpPipelinedOverEmulatedLinksEqualsSequential()
    {
        var network = new LcpResidual();
        ExecutionAssert.RandomiseBatchNorms(network.Parameters);
        var input = ExecutionAssert.Input(8 * 3 * 8 * 8);
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(network, chips);

        var sequential = model.Run(input, 8);
        model.Ledger.Reset();
        var pipelined = model.RunPipelined(input, 8, new PipelineOptions { MicroBatch = 2, Links = LinkEmulation.Modelled });

        ExecutionAssert.Close(pipelined, sequential, 1e-5); // micro-batches of 2 against one batch of 8: the kernels block differently
        Assert.True(model.Ledger.MatchesPlan, model.Ledger.ToMarkdown());
        Assert.Equal(8 * (768L + 32), model.Ledger.ForwardBytes);
        Assert.Equal(new[] { 8 * 768L, 8 * 32L }, model.Ledger.Links.Select(l => l.Bytes)); // 0 -> 1 the input, 1 -> 0 the features
    }

    [Fact]
    public void WithLcpAtRunTimeIsTheDeclaredLcpNetwork()
    {
        // The same network without [Lcp], split at run time.
        var variant = LcpResidualSource.Plan.WithLcp(2);

        Assert.Equal(LcpResidual.Plan.Layers, variant.Layers);
        Assert.Equal(LcpResidual.Plan.Cuts, variant.Cuts);
        Assert.Equal(LcpResidual.Plan.Chips, variant.Chips);
        var error = Assert.Throws<NetworkCompilationException>(() => LcpResidualSource.Plan.WithLcp(3));
        Assert.Contains("SDK0042: [Lcp(Branches = 3)] on 'LcpResidualSource': layer 'Conv1' has 8 filters, which do not divide into 3 equal branches", error.Message);
    }
    [Fact]
    public void HalfWidthResNet18_TheSeedsTwoBranches()
    {
        // SEEDS.md §2: ResNet-18 as two half-width branches (32/64/128/256 channels), each to global average pooling,
        // concatenated into the one dense layer. Split layer-wise over 2 chips after the second stage, one
        // 128 x 16 x 16 float tensor crosses (and its gradient comes back in training).
        var layerwise = ResNet18TwoChips.Plan;
        Assert.Equal(128 * 16 * 16 * 4L, layerwise.ForwardBytesPerSample);
        Assert.Equal(128 * 16 * 16 * 4L, layerwise.BackwardBytesPerSample);

        // The same network by [Lcp] at run time; the declared chip memory is dropped (it was sized for the layer-wise split).
        var spec = layerwise.Spec with { Chips = layerwise.Spec.Chips.Select(c => c with { MemoryKiB = 0 }).ToEquatableArray() };
        var lcp = NetworkPlan.Compile(spec).WithLcp(2);

        Assert.Equal(new[] { 32, 32, 32 }, lcp.Layer("b1.Stem").OutputShape);
        Assert.Equal(new[] { 256, 4, 4 }, lcp.Layer("b1.L4B2Out").OutputShape);
        Assert.Equal(new[] { 512, 1, 1 }, lcp.Layer(LcpTransform.MergeName).OutputShape);
        Assert.Equal(layerwise.Layer("Logits").ParameterCount, lcp.Layer("Logits").ParameterCount);

        // The input (3 x 32 x 32 floats) to chip 1, forward only; branch 1's 256 pooled features to chip 0 and their
        // gradient back: 12,288 + 1,024 = 13,312 B per sample forward instead of 131,072.
        Assert.Equal(new[] { (true, 0, 1, 12288L, 0L), (false, 1, 0, 1024L, 1024L) },
            lcp.Cuts.Select(c => (c.IsInput, c.FromChip, c.ToChip, c.ForwardBytesPerSample, c.BackwardBytesPerSample)));
        Assert.Equal(13312L, lcp.ForwardBytesPerSample);
        Assert.Equal(1024L, lcp.BackwardBytesPerSample);
    }
}
