using System;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// Every wire format through a real cut of a running model, on every backend: the receiver computes from what the
/// codec packed (the output is the reference interpreter's, which rounds each cut as its format does), and the
/// ledger's measured bytes are what the codecs wrote, checked against arithmetic written here.
/// </summary>
public class WireFormatCutTests
{
    private const int Batch = 3;

    /// <summary>[6, 6, 6] per sample: 216 values; Int8 adds a 4-byte scale per sample; 19-bit truncation packs 216 x 19 bits into 513 bytes.</summary>
    private static readonly long[] BytesPerCut = { Batch * 216 * 4, Batch * 216 * 2, Batch * 216 * 2, Batch * (216 + 4), Batch * 513 };

    [Fact]
    public void TheNetworkHasACutOfEveryFormat() =>
        Assert.Equal(Enum.GetValues<WireFormat>(), EveryWireFormat.Plan.Cuts.Select(c => c.Format));

    [Theory]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void EveryFormatCrossesARealCut(string backend)
    {
        var network = new EveryWireFormat();
        var plan = EveryWireFormat.Plan;
        var parameters = TestParameters.Random(plan, seed: 11);
        ExecutionAssert.CopyParameters(parameters, network.Parameters);
        var input = TestParameters.Input(Batch, plan.InputShape, seed: 12);

        using var chips = ChipSet.Create(backend, plan.Chips.Count);
        using var model = Model.Create(network, chips);
        var output = model.Run(input, Batch);

        Tolerance.AssertClose(new ReferenceInterpreter(plan, parameters).Run(input, Batch), output, bound: 1e-3, what: $"{backend} output");
        Assert.Equal(BytesPerCut, model.Ledger.Cuts.Select(c => c.ForwardBytes));
        Assert.All(model.Ledger.Compare(), c => Assert.True(c.Matches, $"cut {c.Cut.Index}: predicted {c.PredictedForwardBytes}, measured {c.MeasuredForwardBytes}"));
    }

    /// <summary>
    /// The stated tolerance of each lossy format, relative to the largest output (inputs in [-1, 1], PyTorch-default
    /// weights): the network with its first cut in that format (a variant of the plan) against all Float32.
    /// </summary>
    [Theory]
    [InlineData(WireFormat.Float16, 1e-3)]
    [InlineData(WireFormat.BFloat16, 1e-2)]
    [InlineData(WireFormat.Int8, 2e-2)]
    public void EachLossyFormatAloneStaysWithinItsTolerance(WireFormat format, double tolerance)
    {
        var exact = ChainedWireFormatsFloat32.Plan;
        var layers = exact.Spec.Layers;
        var lossy = NetworkPlan.Compile(exact.Spec with { Layers = layers.SetItem(1, layers[1] with { Transfer = format }) });
        Assert.Equal(format, lossy.Cuts[0].Format);
        var parameters = new ParameterSet(exact);
        var input = ExecutionAssert.Input(3 * 6 * 10 * 10, seed: (int)format);

        using var chipsA = ChipSet.Cpu(4);
        using var chipsB = ChipSet.Cpu(4);
        using var exactModel = Model.Create(exact, parameters, chipsA);
        using var lossyModel = Model.Create(lossy, parameters, chipsB);
        var error = ExecutionAssert.RelativeError(lossyModel.Run(input, 3), exactModel.Run(input, 3));

        Assert.InRange(error, 1e-9, tolerance); // rounded on the wire: not exact, but within the format's bound
        Assert.True(lossyModel.Ledger.MatchesPlan);
    }

    [Fact]
    public void EveryFormatCarriesGradientsBackInTraining()
    {
        var network = new EveryWireFormat();
        using var chips = ChipSet.Cpu(EveryWireFormat.Plan.Chips.Count);
        using var trainer = Trainer.Create(network, chips);
        var input = TestParameters.Input(Batch, EveryWireFormat.Plan.InputShape, seed: 13);

        trainer.TrainStep(input, new[] { 0, 3, 4 }, Batch);

        Assert.Equal(BytesPerCut, trainer.Ledger.Cuts.Select(c => c.ForwardBytes));
        Assert.Equal(BytesPerCut, trainer.Ledger.Cuts.Select(c => c.BackwardBytes));
        Assert.True(trainer.Ledger.MatchesPlan);
    }

    [Fact]
    public void IlgpuChipsDeclineTrainingThroughTheBoundary()
    {
        using var chips = ChipSet.IlgpuCpu(EveryWireFormat.Plan.Chips.Count);
        var error = Assert.Throws<NotSupportedException>(() => Trainer.Create(new EveryWireFormat(), chips));
        Assert.Contains("chip 0 is 'ILGPU CPU simulator'", error.Message);
        Assert.Contains("cannot train", error.Message);
    }
}
