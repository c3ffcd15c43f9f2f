using System.Linq;
using ResNetTraffic;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// Every cut of every sample network carries, measured at the links, the plan's bytes per sample x samples,
/// on both CPU backends (the same counts: the wire formats are the same bytes).
/// </summary>
public class TrafficTests
{
    public static TheoryData<string> Backends => new() { "Cpu", "IlgpuCpu" };

    [Theory]
    [MemberData(nameof(Backends))]
    public void ResNet18OnTwoChips(string backend) => AssertLedgerEqualsPlan(new ResNet18TwoChips(), batch: 2, backend);

    [Theory]
    [MemberData(nameof(Backends))]
    public void ResNet18OnFourChips(string backend) => AssertLedgerEqualsPlan(new ResNet18FourChips(), batch: 1, backend);

    [Theory]
    [MemberData(nameof(Backends))]
    public void TestNetworks(string backend)
    {
        AssertLedgerEqualsPlan(new SplitResidual(), batch: 5, backend);
        AssertLedgerEqualsPlan(new SplitBottleneck(), batch: 3, backend);
        AssertLedgerEqualsPlan(new ChainedWireFormats(), batch: 2, backend);
    }

    internal static ChipSet Chips(string backend, int count) => backend == "Cpu" ? ChipSet.Cpu(count) : ChipSet.IlgpuCpu(count);

    private static void AssertLedgerEqualsPlan<TNetwork>(TNetwork network, int batch, string backend)
        where TNetwork : INetwork
    {
        var plan = TNetwork.Plan;
        using var chips = Chips(backend, plan.Chips.Count);
        using var model = Model.Create(network, chips);
        var input = ExecutionAssert.Input(batch * (int)Shapes.Elements(plan.InputShape));

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
