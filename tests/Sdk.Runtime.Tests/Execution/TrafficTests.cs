using System.Linq;
using ResNetTraffic;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>Every cut of every sample network carries, measured at the links, the plan's bytes per sample x samples.</summary>
public class TrafficTests
{
    [Fact]
    public void ResNet18OnTwoChips() => AssertLedgerEqualsPlan(new ResNet18TwoChips(), batch: 2);

    [Fact]
    public void ResNet18OnFourChips() => AssertLedgerEqualsPlan(new ResNet18FourChips(), batch: 1);

    [Fact]
    public void TestNetworks()
    {
        AssertLedgerEqualsPlan(new SplitResidual(), batch: 5);
        AssertLedgerEqualsPlan(new SplitBottleneck(), batch: 3);
        AssertLedgerEqualsPlan(new ChainedWireFormats(), batch: 2);
    }

    private static void AssertLedgerEqualsPlan<TNetwork>(TNetwork network, int batch)
        where TNetwork : INetwork
    {
        var plan = TNetwork.Plan;
        using var chips = ChipSet.IlgpuCpu(plan.Chips.Count);
        using var model = Model.Create(network, chips);
        var input = ExecutionAssert.Input(batch * (int)TensorShape.Elements(plan.InputShape));

        model.Run(input, batch);
        model.Run(input, batch);

        Assert.NotEmpty(plan.Cuts);
        Assert.Equal(2 * batch, model.Ledger.ForwardSamples);
        foreach (var cut in model.Ledger.Cuts)
        {
            // Plan bytes per sample (as the generator computed them) times the samples that went through.
            Assert.Equal(cut.Cut.ForwardBytesPerSample * 2 * batch, cut.ForwardBytes);
            Assert.Equal(2, cut.Transfers);
        }

        Assert.Equal(plan.ForwardBytesPerSample * 2 * batch, model.Ledger.ForwardBytes);
        Assert.Equal(plan.ForwardBytesPerSample * 2 * batch, model.Ledger.Links.Sum(l => l.Bytes));
        Assert.True(model.Ledger.MatchesPlan);
    }
}
