using System;
using System.IO;
using System.Linq;
using Sdk;
using Sdk.Remote.Tests.Support;
using Sdk.Runtime;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Training;

namespace Sdk.Remote.Tests;

/// <summary>
/// [Lcp] copies Conv1..Pool into two half-width branches, branch b on chip b, merged on chip 0 before Logits: the
/// input crosses to chip 1 (3 x 8 x 8 floats, 768 B a sample, forward only) and branch 1's 4 pooled features (16 B)
/// come back. No dropout, so training is deterministic across processes.
/// </summary>
[Network(InputShape = new[] { 3, 8, 8 })]
[Lcp(Branches = 2)]
[Link(0, 1, GigabytesPerSecond = 1, LatencyMicroseconds = 5)]
public partial class RemoteLcp
{
    [Conv2D(8, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm(Activation = Activation.Relu)] public partial Layer Bn1 { get; }
    [Conv2D(8, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv2 { get; }
    [Add(nameof(Bn1))] public partial Layer Sum { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(10)] public partial Layer Logits { get; }
}

/// <summary>
/// Branches and data-parallel replicas are chips like any other, so they can be remote: an [Lcp] branch on a host,
/// and the second replica of <see cref="RemoteNet"/> on the deployment's hosts, each equal to the in-process run bit
/// for bit with the ledger equal to the plan.
/// </summary>
[Collection(RemoteCollection.Name)]
public sealed class BranchesAndReplicasTests(Deployment deployment)
{
    [Fact]
    public void AnLcpBranchOnAHost_RunsAndTrainsAsInProcess()
    {
        var cuts = RemoteLcp.Plan.Cuts;
        Assert.Equal(new[] { (0, 1, 768L, 0L), (1, 0, 16L, 16L) }, cuts.Select(c => (c.FromChip, c.ToChip, c.ForwardBytesPerSample, c.BackwardBytesPerSample)).ToArray());

        var planPath = Path.Combine(deployment.Directory, "remote-lcp.plan.json");
        PlanFile.Save(RemoteLcp.Plan, planPath);
        using var host = ChipHostProcess.Start(
        [
            "--plan", planPath, "--chips", "1",
            "--cert", deployment.Certificates.HostCertificateFile, "--key", deployment.Certificates.HostKeyFile,
            "--client-ca", deployment.Certificates.ClientCaFile,
        ]);

        const int batch = 5;
        var input = RemoteExecutionTests.Input(batch);
        var local = Weights();
        var remote = Weights();
        using (var localChips = ChipSet.Cpu(2))
        using (var localModel = Model.Create(local, localChips))
        using (var chips = ChipSet.Of(new CpuChip(), RemoteChip.Connect(host.Address, deployment.Certificates.Caller)))
        using (var model = Model.Create(remote, chips))
        {
            Assert.Equal(RemoteExecutionTests.Bits(localModel.Run(input, batch)), RemoteExecutionTests.Bits(model.Run(input, batch)));
            Assert.True(model.Ledger.MatchesPlan, model.Ledger.ToMarkdown());
            Assert.Equal(batch * 768L, model.Ledger.Cuts[0].ForwardBytes);
        }

        var (images, labels) = RemoteExecutionTests.TrainingBatch(4, seed: 9);
        var options = new TrainerOptions { Optimizer = OptimizerOptions.Sgd(momentum: 0.9), Schedule = LearningRateSchedule.Constant(0.05), Seed = 1 };
        using var trainChipsLocal = ChipSet.Cpu(2);
        using var localTrainer = Trainer.Create(local, trainChipsLocal, options);
        using var trainChips = ChipSet.Of(new CpuChip(), RemoteChip.Connect(host.Address, deployment.Certificates.Caller));
        using var trainer = Trainer.Create(remote, trainChips, options);
        for (var step = 0; step < 3; step++)
        {
            var expected = localTrainer.TrainStep(images, labels, 4);
            var actual = trainer.TrainStep(images, labels, 4);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected.Loss), BitConverter.SingleToInt32Bits(actual.Loss));
        }

        foreach (var tensor in local.Parameters.Tensors)
        {
            Assert.True(RemoteExecutionTests.Bits(local.Parameters[tensor.Name]).SequenceEqual(RemoteExecutionTests.Bits(remote.Parameters[tensor.Name])), tensor.Name);
        }

        // The input crosses forward only; the branch's features go back to chip 0 and their gradient comes to chip 1.
        Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
        Assert.Equal((3 * 4 * 768L, 0L), (trainer.Ledger.Cuts[0].ForwardBytes, trainer.Ledger.Cuts[0].BackwardBytes));
        Assert.Equal((3 * 4 * 16L, 3 * 4 * 16L), (trainer.Ledger.Cuts[1].ForwardBytes, trainer.Ledger.Cuts[1].BackwardBytes));
    }

    [Fact]
    public void TheSecondReplicaOnHosts_TrainsAsInProcess()
    {
        var (images, labels) = RemoteExecutionTests.TrainingBatch(6, seed: 13);
        var options = new TrainerOptions
        {
            Optimizer = OptimizerOptions.Sgd(momentum: 0.9),
            Schedule = LearningRateSchedule.Constant(0.05),
            Seed = 1,
            DataParallel = new DataParallelOptions { Replicas = 2 },
        };

        var local = Deployment.Weights();
        using var localChips = ChipSet.Cpu(8);
        using var localTrainer = Trainer.Create(local, localChips, options);

        // Replica 0 in this process; replica 1's chip 0 here too, its chips 1 to 3 on hosts A and B.
        var remote = Deployment.Weights();
        using var chips = ChipSet.Of(
            new CpuChip(), new CpuChip(), new CpuChip(), new CpuChip(),
            new CpuChip(),
            RemoteChip.Connect(deployment.HostA.Address, deployment.Certificates.Caller),
            RemoteChip.Connect(deployment.HostB.Address, deployment.Certificates.Caller),
            RemoteChip.Connect(deployment.HostB.Address, deployment.Certificates.Caller));
        using var trainer = Trainer.Create(remote, chips, options);

        for (var step = 0; step < 3; step++)
        {
            var expected = localTrainer.TrainStep(images, labels, 6);
            var actual = trainer.TrainStep(images, labels, 6);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected.Loss), BitConverter.SingleToInt32Bits(actual.Loss));
        }

        foreach (var tensor in local.Parameters.Tensors)
        {
            Assert.True(RemoteExecutionTests.Bits(local.Parameters[tensor.Name]).SequenceEqual(RemoteExecutionTests.Bits(remote.Parameters[tensor.Name])), tensor.Name);
        }

        Assert.True(trainer.Ledger.MatchesPlan, trainer.Ledger.ToMarkdown());
        Assert.Equal(localTrainer.Ledger.Exchange.WeightBytes, trainer.Ledger.Exchange.WeightBytes);
        Assert.True(trainer.Ledger.Exchange.WeightBytes > 0);
        Assert.Equal(localTrainer.Ledger.Cuts.Select(c => (c.ForwardBytes, c.BackwardBytes)), trainer.Ledger.Cuts.Select(c => (c.ForwardBytes, c.BackwardBytes)));
    }

    private static RemoteLcp Weights()
    {
        var network = new RemoteLcp();
        network.Parameters.Initialize(5);
        return network;
    }
}
