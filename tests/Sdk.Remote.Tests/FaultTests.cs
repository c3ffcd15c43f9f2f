using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Sdk.Remote.Tests.Support;
using Sdk.Runtime;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Training;

namespace Sdk.Remote.Tests;

/// <summary>
/// A host killed (or hung) mid-run: the run fails in time naming the chip and the host, a pipelined run accounts for
/// every micro-batch, the next run after the host is back reconnects, and training resumes from its checkpoint.
/// Chip 1 runs on host C, which these tests kill, stop and restart (host B, serving chips 2 and 3, is never harmed).
/// </summary>
[Collection(RemoteCollection.Name)]
public sealed class FaultTests(Deployment deployment)
{
    /// <summary>No test waits longer than this for anything; reaching it is a hang, and fails.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KilledHostFailsThePipelinedRunAccountingForEveryMicroBatchThenTheNextRunReconnects()
    {
        var host = deployment.HostC;
        host.EnsureRunning();
        using var chips = deployment.Chips(host);
        using var model = Model.Create(Deployment.Weights(), chips);
        var chip1 = (RemoteChip)chips.Chips[1];

        // Enough micro-batches of one sample that the run is still going when the host dies.
        const int batch = 3000;
        var input = RemoteExecutionTests.Input(batch);
        var output = new float[batch * 10];
        Array.Fill(output, float.NaN);
        var options = new PipelineOptions { MicroBatch = 1, MaxInFlight = 2 };
        var run = Task.Run(() => model.RunPipelined(input, batch, output, options));
        await WaitUntil(() => model.Ledger.ForwardSamples >= 3 || run.IsCompleted);
        host.Kill();

        var error = await Assert.ThrowsAsync<PipelineRunException>(() => run.WaitAsync(HangGuard));
        var cause = Assert.IsType<RemoteChipException>(error.InnerException);
        Assert.Equal((1, host.Address), (cause.Chip, cause.Host));
        Assert.Contains(cause.Error, new[] { RemoteError.HostUnavailable, RemoteError.Timeout });
        Assert.Contains($"Chip 1 on host {host.Address}", error.Message);

        // Every micro-batch is either in the output (the first Completed, equal to the in-process run) or reported failed.
        Assert.InRange(error.Completed, 3, batch - 1);
        Assert.Equal(batch, error.MicroBatches);
        var done = error.CompletedSamples;
        var expected = RemoteExecutionTests.InProcess(m => m.RunPipelined(input.AsSpan(0, done * 192), done, options));
        Assert.Equal(RemoteExecutionTests.Bits(expected), RemoteExecutionTests.Bits(output[..(done * 10)]));
        Assert.Contains($"micro-batches {error.Completed} to {batch - 1}", error.Message);

        // While the host is down a sequential run fails at once, naming it.
        var down = await Assert.ThrowsAsync<RemoteChipException>(() => Task.Run(() => model.Run(input.AsSpan(0, 192).ToArray(), 1)).WaitAsync(HangGuard));
        Assert.Equal((RemoteError.HostUnavailable, 1, host.Address), (down.Error, down.Chip, down.Host));

        // Back on the same address, the next run opens a new session (weights sent again) and succeeds.
        host.Restart();
        var small = RemoteExecutionTests.Input(4);
        var again = await Task.Run(() => model.Run(small, 4)).WaitAsync(HangGuard);
        Assert.Equal(RemoteExecutionTests.Bits(RemoteExecutionTests.InProcess(m => m.Run(small, 4))), RemoteExecutionTests.Bits(again));
        Assert.True(chip1.Stats.Sessions >= 2);
        var pipelined = await Task.Run(() => model.RunPipelined(small, 4, new PipelineOptions { MicroBatch = 2 })).WaitAsync(HangGuard);
        Assert.Equal(RemoteExecutionTests.Bits(RemoteExecutionTests.InProcess(m => m.RunPipelined(small, 4, new PipelineOptions { MicroBatch = 2 }))), RemoteExecutionTests.Bits(pipelined));
    }

    [Fact]
    public async Task HungHostTimesOutNamingTheChipAndHostThenRecovers()
    {
        var host = deployment.HostC;
        host.EnsureRunning();
        var options = deployment.Certificates.Caller with { CallTimeout = TimeSpan.FromSeconds(2) };
        using var chips = deployment.Chips(host, options);
        using var model = Model.Create(Deployment.Weights(), chips);
        var input = RemoteExecutionTests.Input(2);
        var expected = RemoteExecutionTests.InProcess(m => m.Run(input, 2));
        Assert.Equal(RemoteExecutionTests.Bits(expected), RemoteExecutionTests.Bits(model.Run(input, 2)));

        Signal(host.ProcessId, Stop);
        try
        {
            // kill() returns before the host has stopped; a run sent in between was answered (a flaky pass of the run).
            await WaitUntil(() => ProcessState(host.ProcessId) == 'T');
            var error = await Assert.ThrowsAsync<RemoteChipException>(() => Task.Run(() => model.Run(input, 2)).WaitAsync(HangGuard));
            Assert.Equal((RemoteError.Timeout, 1, host.Address), (error.Error, error.Chip, error.Host));
            Assert.Contains("no reply within 2 s", error.Message);
        }
        finally
        {
            Signal(host.ProcessId, Continue);
        }

        var again = await Task.Run(() => model.Run(input, 2)).WaitAsync(HangGuard);
        Assert.Equal(RemoteExecutionTests.Bits(expected), RemoteExecutionTests.Bits(again));
    }

    [Fact]
    public async Task TrainingResumesFromTheLastCheckpointAfterAHostDies()
    {
        var options = new TrainerOptions { Optimizer = OptimizerOptions.AdamW(weightDecay: 1e-3), Schedule = LearningRateSchedule.Cosine(0.01, totalSteps: 6, warmupSteps: 1), Seed = 2 };
        var batches = Enumerable.Range(0, 4).Select(i => RemoteExecutionTests.TrainingBatch(4, seed: 20 + i)).ToArray();

        // The uninterrupted run, in process.
        var reference = Deployment.Weights();
        using (var localChips = ChipSet.Cpu(4))
        using (var trainer = Trainer.Create(reference, localChips, options))
        {
            foreach (var (images, labels) in batches)
            {
                trainer.TrainStep(images, labels, 4);
            }
        }

        var host = deployment.HostC;
        host.EnsureRunning();
        var network = Deployment.Weights();
        using var chips = deployment.Chips(host);
        using var remote = Trainer.Create(network, chips, options);
        var checkpoint = Path.Combine(deployment.Directory, $"resume-{Guid.NewGuid():N}.safetensors");
        remote.TrainStep(batches[0].Images, batches[0].Labels, 4);
        remote.TrainStep(batches[1].Images, batches[1].Labels, 4);
        remote.SaveCheckpoint(checkpoint);
        remote.TrainStep(batches[2].Images, batches[2].Labels, 4);

        host.Kill();
        var error = await Assert.ThrowsAsync<RemoteChipException>(() => Task.Run(() => remote.TrainStep(batches[3].Images, batches[3].Labels, 4)).WaitAsync(HangGuard));
        Assert.Equal((RemoteError.HostUnavailable, 1, host.Address), (error.Error, error.Chip, error.Host));

        host.Restart();
        remote.LoadCheckpoint(checkpoint);
        Assert.Equal(2, remote.Step);
        await Task.Run(() =>
        {
            remote.TrainStep(batches[2].Images, batches[2].Labels, 4);
            remote.TrainStep(batches[3].Images, batches[3].Labels, 4);
        }).WaitAsync(HangGuard);

        foreach (var tensor in reference.Parameters.Tensors)
        {
            Assert.True(RemoteExecutionTests.Bits(reference.Parameters[tensor.Name]).SequenceEqual(RemoteExecutionTests.Bits(network.Parameters[tensor.Name])), tensor.Name);
        }
    }

    private const int Stop = 19; // SIGSTOP on Linux (the CI and development machines); another OS numbers it differently
    private const int Continue = 18; // SIGCONT

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static void Signal(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The state letter of /proc/<paramref name="pid"/>/stat (R running, S sleeping, T stopped, ...), after the command name's closing parenthesis.</summary>
    private static char ProcessState(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > HangGuard)
            {
                throw new TimeoutException("The condition did not hold within the hang guard.");
            }

            await Task.Delay(5);
        }
    }
}
