using System.Linq;
using Sdk.Runtime.Tests.Execution;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Training;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Branches;

/// <summary>
/// Training an [Lcp] network over its chips: the same step as the same layers on one chip, and the network input
/// never gets a gradient, so the ledger shows none.
/// </summary>
public sealed class BranchTrainingTests
{
    private const int Batch = 6;

    private static readonly TrainerOptions Sgd = new()
    {
        Optimizer = OptimizerOptions.Sgd(momentum: 0.9, weightDecay: 1e-4),
        Schedule = LearningRateSchedule.Constant(0.1),
        Seed = 3,
    };

    /// <summary>The derived network with every layer on chip 0: the same layers, names and parameters, no cut.</summary>
    private static NetworkPlan OnOneChip(NetworkPlan plan) =>
        NetworkPlan.Compile(plan.Spec with { Layers = plan.Spec.Layers.Select(l => l with { Branch = null, OnChip = null }).ToEquatableArray() });

    [Fact]
    public void AStepOnTwoChipsEqualsTheSameStepOnOneChip()
    {
        var lcp = new LcpResidual();
        ExecutionAssert.RandomiseBatchNorms(lcp.Parameters);
        var single = OnOneChip(LcpResidual.Plan);
        Assert.Single(single.Chips);
        Assert.Empty(single.Cuts);
        var singleParameters = new ParameterSet(single);
        ExecutionAssert.CopyParameters(lcp.Parameters, singleParameters);
        var (images, labels) = GradientCheck.Batch(LcpResidual.Plan, Batch, 5);

        TrainStepResult a, b;
        using (var chips = ChipSet.Cpu(2))
        using (var trainer = Trainer.Create(lcp, chips, Sgd))
        {
            a = trainer.TrainStep(images, labels, Batch);
        }

        using (var chips = ChipSet.Cpu(1))
        using (var trainer = Trainer.Create(single, singleParameters, chips, Sgd))
        {
            b = trainer.TrainStep(images, labels, Batch);
        }

        Assert.Equal(b.Loss, a.Loss, 5);
        foreach (var tensor in lcp.Parameters.Tensors)
        {
            var error = ExecutionAssert.RelativeError(lcp.Parameters[tensor.Name], singleParameters[tensor.Name]);
            Assert.True(error <= 1e-5, $"{tensor.Name} differs by {error:E2} (relative)");
        }

        // The step moved both branches' weights.
        var fresh = new LcpResidual();
        Assert.NotEqual(fresh.Parameters["b0.Conv1.weight"], lcp.Parameters["b0.Conv1.weight"]);
        Assert.NotEqual(fresh.Parameters["b1.Conv1.weight"], lcp.Parameters["b1.Conv1.weight"]);
    }

    [Fact]
    public void TheLedgerNeverShowsAGradientOfTheInput()
    {
        var lcp = new LcpResidual();
        var (images, labels) = GradientCheck.Batch(LcpResidual.Plan, Batch, 5, seed: 7);
        using var chips = ChipSet.Cpu(2);
        using var trainer = Trainer.Create(lcp, chips, Sgd);

        trainer.TrainStep(images, labels, Batch);
        trainer.ComputeGradients(images, labels, Batch);
        trainer.ComputeLoss(images, labels, Batch);

        // Three forward passes, two backward. Per sample: the input 3 x 8 x 8 x 4 = 768 B to chip 1; b1.Drop's
        // 8 floats = 32 B to chip 0, and 32 B of gradient back.
        var ledger = trainer.Ledger;
        Assert.True(ledger.MatchesPlan, ledger.ToMarkdown());
        var input = Assert.Single(ledger.Cuts, c => c.Cut.IsInput);
        Assert.Equal((0, 1), (input.Cut.FromChip, input.Cut.ToChip));
        Assert.Equal(3 * Batch * 768L, input.ForwardBytes);
        Assert.Equal(0L, input.BackwardBytes);
        Assert.Equal(0L, input.PredictedBackwardBytes);
        Assert.Equal(3, input.Transfers); // forward only
        var features = Assert.Single(ledger.Cuts, c => !c.Cut.IsInput);
        Assert.Equal(("b1.Drop", 3 * Batch * 32L, 2 * Batch * 32L), (features.Cut.From, features.ForwardBytes, features.BackwardBytes));
        Assert.Equal(2 * Batch * 32L, ledger.BackwardBytes);

        // Chip 0 -> 1 carries the input forward and b1.Drop's gradient back: nothing else.
        var down = Assert.Single(ledger.Links, l => (l.FromChip, l.ToChip) == (0, 1));
        Assert.Equal((3 * Batch * 768L) + (2 * Batch * 32L), down.Bytes);
    }

    [Fact]
    public void ThreeBranchesTrainWithLossyInputCuts()
    {
        // Inputs crossing as Float16 and Int8 take no gradient either; the features' gradients come back Float32.
        var network = new ThreeBranches();
        var (images, labels) = GradientCheck.Batch(ThreeBranches.Plan, Batch, 3);
        using var chips = ChipSet.Cpu(4);
        using var trainer = Trainer.Create(network, chips, Sgd);

        var first = trainer.TrainStep(images, labels, Batch).Loss;
        for (var step = 0; step < 20; step++)
        {
            trainer.TrainStep(images, labels, Batch);
        }

        Assert.True(trainer.ComputeLoss(images, labels, Batch).Loss < first, "the loss on a fixed batch did not fall");
        Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
        Assert.All(trainer.Ledger.Cuts.Where(c => c.Cut.IsInput), c => Assert.Equal(0L, c.BackwardBytes));
        Assert.Equal(21 * Batch * 3 * 16L, trainer.Ledger.BackwardBytes); // three branches' 4 features, 21 steps
    }
}
