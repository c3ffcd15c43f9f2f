using System;
using System.Collections.Generic;
using FashionCnn = FashionMnistSample.FashionCnn;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Execution;

/// <summary><c>Model.RunTo</c>: a layer's output from a full run, the same on any split of the network.</summary>
public sealed class RunToTests
{
    [Fact]
    public void ALayerOfASplitNetwork_EqualsTheSameLayerOnOneChip_AndTheLastLayerIsTheOutput()
    {
        var split = new ParameterSet(SplitResidual.Plan, seed: 4);
        var single = new ParameterSet(SingleResidual.Plan);
        single.CopyFrom(split);
        var input = Input(SplitResidual.Plan, batch: 3);
        using var twoChips = ChipSet.Cpu(2);
        using var oneChip = ChipSet.Cpu(1);
        using var splitModel = Model.Create(SplitResidual.Plan, split, twoChips);
        using var singleModel = Model.Create(SingleResidual.Plan, single, oneChip);

        var sum = splitModel.RunTo("Sum", input, 3);

        Assert.Equal(3 * 8 * 12 * 12, sum.Length);
        Assert.Equal(singleModel.RunTo("Sum", input, 3), sum);
        Assert.Equal(splitModel.Run(input, 3), splitModel.RunTo("Probs", input, 3));
        Assert.True(splitModel.Ledger.MatchesPlan); // every RunTo is a whole run, counted
    }

    /// <summary>
    /// <c>Model.ProfileLayers</c>: one median per plan layer, on every chip of a split network; layers that run nothing
    /// (a BatchNorm folded into its convolution) take no more than a timer's overhead; the run is a real one (counted
    /// in the ledger, the output unchanged). Times themselves are not asserted.
    /// </summary>
    [Fact]
    public void ProfileLayers_GivesEachLayerItsTime_AndRunsTheNetwork()
    {
        var parameters = new ParameterSet(SplitResidual.Plan, seed: 4);
        var input = Input(SplitResidual.Plan, batch: 3);
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(SplitResidual.Plan, parameters, chips);
        var before = model.Run(input, 3);

        var seconds = model.ProfileLayers(input, 3, calls: 5);

        Assert.Equal(SplitResidual.Plan.Layers.Count, seconds.Length);
        Assert.All(seconds, s => Assert.True(s >= 0 && double.IsFinite(s)));
        Assert.Equal(before, model.Run(input, 3));
        Assert.Equal(3 * (1 + 6 + 1), model.Ledger.ForwardSamples); // before, one warm-up and 5 profiled calls, after
        Assert.True(model.Ledger.MatchesPlan);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ProfileLayers(input, 3, calls: 0));
        Assert.Throws<ArgumentException>(() => model.ProfileLayers(input.AsSpan(1), 3));
    }

    [Fact]
    public void AFoldedOrFusedLayer_IsRefused_NamingTheLayerToRead()
    {
        var parameters = new ParameterSet(FashionCnn.Plan);
        var input = Input(FashionCnn.Plan, batch: 2);
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(FashionCnn.Plan, parameters, chips);

        Assert.Contains("read 'Bn1'", Assert.Throws<ArgumentException>(() => model.RunTo("Conv1", input, 2)).Message);
        Assert.Contains("'Conv9'", Assert.Throws<KeyNotFoundException>(() => model.RunTo("Conv9", input, 2)).Message);
        Assert.Equal(2 * 32 * 14 * 14, model.RunTo("Pool1", input, 2).Length);
        try
        {
            Assert.Equal(2 * 32 * 28 * 28, model.RunTo("Bn1", input, 2).Length);
        }
        catch (InvalidOperationException fused)
        {
            Assert.Contains("read 'Pool1'", fused.Message); // the CPU backend wrote only the pooled tensor
        }
    }

    private static float[] Input(NetworkPlan plan, int batch)
    {
        var random = new Random(1);
        var values = new float[batch * Shapes.Elements(plan.InputShape)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }
}
