using System;
using System.Linq;
using ResNetTraffic;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// The pipelined executor computes exactly what the sequential one computes for the same micro-batches, moves
/// exactly the plan's bytes, holds emulated transfers for at least their modelled time, and forecasts by the
/// max-load rule. No test asserts a speed-up: wall time is only ever bounded from below.
/// </summary>
public class PipelineTests
{
    public static TheoryData<int> MicroBatches => new() { 1, 2, 3, 7, 9 };

    [Theory]
    [MemberData(nameof(MicroBatches))]
    public void SplitResidualEqualsSequential(int micro) => AssertPipelinedEqualsSequential(new SplitResidual(), batch: 7, micro, "Cpu");

    [Theory]
    [MemberData(nameof(MicroBatches))]
    public void SplitBottleneckEqualsSequential(int micro) => AssertPipelinedEqualsSequential(new SplitBottleneck(), batch: 7, micro, "Cpu");

    [Theory]
    [MemberData(nameof(MicroBatches))]
    public void ChainedWireFormatsEqualsSequential(int micro) => AssertPipelinedEqualsSequential(new ChainedWireFormats(), batch: 7, micro, "Cpu");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PipelineChainEqualsSequential(int micro) => AssertPipelinedEqualsSequential(new PipelineChain(), batch: 10, micro, "Cpu");

    [Fact]
    public void ResNet18OnFourChipsEqualsSequential() => AssertPipelinedEqualsSequential(new ResNet18FourChips(), batch: 5, micro: 2, "Cpu");

    [Fact]
    public void IlgpuCpuChipsEqualSequential()
    {
        AssertPipelinedEqualsSequential(new SplitResidual(), batch: 5, micro: 2, "IlgpuCpu");
        AssertPipelinedEqualsSequential(new ChainedWireFormats(), batch: 3, micro: 2, "IlgpuCpu");
    }

    [Fact]
    public void SingleChipNetworkRunsInMicroBatches() => AssertPipelinedEqualsSequential(new SingleResidual(), batch: 5, micro: 2, "Cpu");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void MailboxDepthDoesNotChangeTheResult(int depth)
    {
        using var chips = ChipSet.Cpu(4);
        using var model = Model.Create(new ChainedWireFormats(), chips);
        var input = ExecutionAssert.Input(11 * 600);
        var expected = SequentialInMicroBatches(model, input, 11, 2);
        var actual = model.RunPipelined(input, 11, new PipelineOptions { MicroBatch = 2, MaxInFlight = depth });
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void PipelinedRunsRepeatAndMixWithSequentialRuns()
    {
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(new SplitResidual(), chips);
        var input = ExecutionAssert.Input(9 * 432);
        var expected = SequentialInMicroBatches(model, input, 9, 4);
        var output = new float[9 * 5];
        for (var i = 0; i < 3; i++)
        {
            Array.Clear(output);
            var stats = model.RunPipelined(input, 9, output, new PipelineOptions { MicroBatch = 4 });
            Assert.Equal(expected, output);
            Assert.Equal(3, stats.MicroBatches);
            Assert.Equal(9, stats.Samples);
            Assert.Equal(2, stats.Chips.Count);
            Assert.True(stats.Elapsed > TimeSpan.Zero);
            Assert.Equal(expected, SequentialInMicroBatches(model, input, 9, 4));
        }

        // Another micro-batch size in between, then back.
        Assert.Equal(SequentialInMicroBatches(model, input, 9, 2), model.RunPipelined(input, 9, new PipelineOptions { MicroBatch = 2 }));
        Assert.Equal(expected, model.RunPipelined(input, 9, new PipelineOptions { MicroBatch = 4 }));
    }

    [Fact]
    public void PipelinedOutputIsCloseToOneFullBatch()
    {
        using var chips = ChipSet.Cpu(3);
        using var model = Model.Create(new SplitBottleneck(), chips);
        var input = ExecutionAssert.Input(8 * 256);
        ExecutionAssert.Close(model.RunPipelined(input, 8, new PipelineOptions { MicroBatch = 3 }), model.Run(input, 8), 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void LedgerEqualsPlan(int micro)
    {
        using var chips = ChipSet.Cpu(4);
        using var model = Model.Create(new ChainedWireFormats(), chips);
        const int Batch = 10;
        var input = ExecutionAssert.Input(Batch * 600);
        model.RunPipelined(input, Batch, new PipelineOptions { MicroBatch = micro });
        model.RunPipelined(input, Batch, new PipelineOptions { MicroBatch = micro, Links = LinkEmulation.Modelled });

        var plan = ChainedWireFormats.Plan;
        var microBatches = (Batch + micro - 1) / micro;
        Assert.Equal(2 * Batch, model.Ledger.ForwardSamples);
        foreach (var cut in model.Ledger.Cuts)
        {
            Assert.Equal(cut.Cut.ForwardBytesPerSample * 2 * Batch, cut.ForwardBytes);
            Assert.Equal(2 * microBatches, cut.Transfers);
        }

        Assert.Equal(plan.ForwardBytesPerSample * 2 * Batch, model.Ledger.ForwardBytes);
        Assert.Equal(plan.ForwardBytesPerSample * 2 * Batch, model.Ledger.Links.Sum(l => l.Bytes));
        Assert.True(model.Ledger.MatchesPlan);
    }

    [Fact]
    public void ResNet18LedgerEqualsPlan()
    {
        using var chips = ChipSet.Cpu(4);
        using var model = Model.Create(new ResNet18FourChips(), chips);
        var input = ExecutionAssert.Input(3 * 3 * 32 * 32);
        model.RunPipelined(input, 3, new PipelineOptions { MicroBatch = 2 });
        Assert.Equal(3, model.Ledger.ForwardSamples);
        Assert.True(model.Ledger.MatchesPlan);
        Assert.All(model.Ledger.Cuts, c => Assert.Equal(2, c.Transfers));
    }

    [Fact]
    public void EmulatedTransferTakesAtLeastItsModelledTime()
    {
        using var chips = ChipSet.Cpu(3);
        using var model = Model.Create(new PipelineChain(), chips);
        var plan = PipelineChain.Plan;
        var input = ExecutionAssert.Input(4 * 8);

        // One micro-batch: each cut is one transfer, held for latency + bytes / bandwidth of its link.
        var expected = model.Run(input, 4);
        model.Ledger.Reset();
        var output = new float[4 * 2];
        var stats = model.RunPipelined(input, 4, output, new PipelineOptions { MicroBatch = 4, Links = LinkEmulation.Modelled });
        Assert.Equal(expected, output);

        var ab = model.Ledger.Cuts.Single(c => c.Cut.FromChip == 0 && c.Cut.ToChip == 1);
        var bc = model.Ledger.Cuts.Single(c => c.Cut.FromChip == 1 && c.Cut.ToChip == 2);
        var skip = model.Ledger.Cuts.Single(c => c.Cut.FromChip == 0 && c.Cut.ToChip == 2);
        Assert.Equal(356, ab.Modelled.TotalMicroseconds, 0.2);  // 100 µs + 256 B / 1 MB/s
        Assert.Equal(72, bc.Modelled.TotalMicroseconds, 0.2);   // 40 µs + 64 B / 2 MB/s
        Assert.Equal(84, skip.Modelled.TotalMicroseconds, 0.2); // 20 µs + 256 B / 4 MB/s
        foreach (var cut in new[] { ab, bc, skip })
        {
            Assert.Equal(1, cut.Transfers);
            Assert.True(cut.Elapsed >= cut.Modelled, $"cut {cut.Cut.Index}: {cut.Elapsed.TotalMicroseconds} µs < modelled {cut.Modelled.TotalMicroseconds} µs");
        }

        // Chip 2 cannot finish before both links of the chain have carried the micro-batch.
        Assert.True(stats.Elapsed >= ab.Modelled + bc.Modelled);

        // Several micro-batches: one link carries one transfer at a time, so the run lasts at least the sum of
        // the transfers on the busiest link, and every cut's transfers at least their modelled time in total.
        model.Ledger.Reset();
        stats = model.RunPipelined(ExecutionAssert.Input(12 * 8), 12, new float[12 * 2], new PipelineOptions { MicroBatch = 2, Links = LinkEmulation.Modelled });
        ab = model.Ledger.Cuts.Single(c => c.Cut.FromChip == 0 && c.Cut.ToChip == 1);
        Assert.Equal(6, ab.Transfers);
        Assert.Equal(6 * Link.ModelledTime(plan.Links[0], 2 * 64).Ticks, ab.Modelled.Ticks);
        Assert.True(stats.Elapsed >= ab.Modelled, $"{stats.Elapsed.TotalMicroseconds} µs < {ab.Modelled.TotalMicroseconds} µs");
        Assert.All(model.Ledger.Cuts, c => Assert.True(c.Elapsed >= c.Modelled));
        Assert.True(model.Ledger.MatchesPlan);
    }

    [Fact]
    public void DeclaredForecastByHand()
    {
        var plan = PipelineChain.Plan;
        Assert.Equal(new long[] { 288, 132, 18 + 66 + 2 }, plan.Chips.Select(c => c.Flops).ToArray());
        Assert.Equal(new long[] { 64, 64, 16 }, plan.Cuts.OrderBy(c => c.ToChip).ThenBy(c => c.FromChip).Select(c => c.ForwardBytesPerSample).ToArray());

        // Micro-batches of 4: each chip is a stage (its FLOPs at its speed), each link direction another (every cut it
        // carries: latency / 4 + bytes per sample / bandwidth).
        var forecast = PipelineForecast.FromPlan(plan, microBatch: 4);
        var compute = new[] { 288 / 1e6, 132 / 2e6, 86 / 0.5e6 }; // 288, 66, 172 µs
        var ab = (100e-6 / 4) + (64 / 1e6);                         // 25 + 64 = 89 µs
        var bc = (40e-6 / 4) + (16 / 2e6);                          // 10 + 8 = 18 µs
        var ac = (20e-6 / 4) + (64 / 4e6);                          // 5 + 16 = 21 µs

        Assert.False(forecast.Calibrated);
        Assert.True(forecast.Complete);
        Assert.Equal(LinkEmulation.Modelled, forecast.Links);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(c, forecast.Chips[c].Chip);
            Assert.Equal(compute[c], forecast.Chips[c].ComputeSecondsPerSample, 15);
            Assert.Equal(0, forecast.Chips[c].CodecSecondsPerSample);
            Assert.Equal(compute[c], forecast.Chips[c].LoadSecondsPerSample, 15);
        }

        Assert.Equal(new[] { (0, 1), (0, 2), (1, 2) }, forecast.LinkLoads.Select(l => (l.FromChip, l.ToChip)));
        Assert.Equal(new[] { ab, ac, bc }, forecast.LinkLoads.Select(l => Math.Round(l.Seconds, 15)).ToArray(), (x, y) => Math.Abs(x - y) < 1e-15);

        // Chip 0 is the slowest stage: 288 µs per sample -> 3472.22 samples/s.
        Assert.Equal("chip 0", forecast.Bottleneck);
        Assert.Equal(288e-6, forecast.MaxLoadSecondsPerSample, 12);
        Assert.Equal(1 / 288e-6, forecast.SamplesPerSecond, 6);
        Assert.Equal(1 / ((288 + 66 + 172) * 1e-6), forecast.SharedHostSamplesPerSecond, 6);
        Assert.Contains("| chip 1 b | 0.066 | 0 | 0.066 |", forecast.ToMarkdown());
        Assert.Contains("| link 0 → 1 | | | 0.089 |", forecast.ToMarkdown());

        // One sample per micro-batch: the plan's own modelled seconds per sample, the report's figures.
        var single = PipelineForecast.FromPlan(plan);
        Assert.Equal(plan.Cuts.Single(c => c.FromChip == 0 && c.ToChip == 1).ModelledSecondsPerSample!.Value, single.LinkLoads[0].Seconds, 15);
        Assert.Equal(CostModel.Of(plan).MaxLoad, single.MaxLoadSecondsPerSample);
    }

    [Fact]
    public void ASlowLinkIsTheBottleneck()
    {
        // PipelineChain at micro-batch 1 with its links 1000 times slower: the 0 -> 1 link (64 KB/s) takes 1,100 µs per sample.
        var spec = PipelineChain.Plan.Spec;
        var slow = NetworkPlan.Compile(spec with { Links = spec.Links.Select(l => new LinkSpec(l.ChipA, l.ChipB, l.GigabytesPerSecond / 1000, l.LatencyMicroseconds)).ToEquatableArray() });
        var forecast = PipelineForecast.FromPlan(slow);
        Assert.Equal("link 0 → 1", forecast.Bottleneck);
        Assert.Equal(100e-6 + (64 / 1e3), forecast.MaxLoadSecondsPerSample, 12);
    }

    [Fact]
    public void CutsWithoutDeclaredLinksAndChipsWithoutSpeedsCountZero()
    {
        var forecast = PipelineForecast.FromPlan(ChainedWireFormats.Plan, 2);
        Assert.False(forecast.Complete);
        Assert.All(forecast.Chips, c => Assert.Equal(0, c.LoadSecondsPerSample));
        Assert.All(forecast.LinkLoads, l => Assert.Equal(0, l.Seconds));
        Assert.Equal(double.PositiveInfinity, forecast.SamplesPerSecond);
    }

    [Fact]
    public void ForecastWithoutDeclaredSpeedsIsIncomplete()
    {
        var forecast = PipelineForecast.FromPlan(SplitResidual.Plan, 2);
        Assert.False(forecast.Complete);
        Assert.All(forecast.Chips, c => Assert.Equal(0, c.ComputeSecondsPerSample));
        Assert.Contains("| chip 0 chip0 | ? |", forecast.ToMarkdown());

        // Only the link's time: 1 µs / 2 + bytes / 1 GB/s.
        var link = SplitResidual.Plan.Cuts.Sum(c => (1e-6 / 2) + (c.ForwardBytesPerSample / 1e9));
        Assert.Equal(link, Assert.Single(forecast.LinkLoads).Seconds, 15);
        Assert.Equal("link 0 → 1", forecast.Bottleneck);
    }

    [Fact]
    public void CalibratedForecastMeasuresEachChip()
    {
        using var chips = ChipSet.Cpu(3);
        using var model = Model.Create(new PipelineChain(), chips);
        var input = ExecutionAssert.Input(5 * 8);
        var declared = PipelineForecast.FromPlan(PipelineChain.Plan, 4);

        var modelled = PipelineForecast.Calibrate(model, input, microBatch: 4, LinkEmulation.Modelled, runs: 3);
        Assert.True(modelled.Calibrated);
        Assert.True(modelled.Complete);
        Assert.Equal(4, modelled.MicroBatch);
        Assert.All(modelled.Chips, load =>
        {
            Assert.True(load.ComputeSecondsPerSample > 0);
            Assert.True(load.CodecSecondsPerSample >= 0);
            Assert.Equal(load.ComputeSecondsPerSample + load.CodecSecondsPerSample, load.LoadSecondsPerSample);
        });
        Assert.Equal(declared.LinkLoads, modelled.LinkLoads);
        Assert.Equal(Math.Max(modelled.Chips.Max(c => c.LoadSecondsPerSample), modelled.LinkLoads.Max(l => l.Seconds)), modelled.MaxLoadSecondsPerSample);
        Assert.Equal(1 / modelled.MaxLoadSecondsPerSample, modelled.SamplesPerSecond);
        Assert.Equal(1 / modelled.Chips.Sum(c => c.ComputeSecondsPerSample + c.CodecSecondsPerSample), modelled.SharedHostSamplesPerSecond);

        var unlinked = PipelineForecast.Calibrate(model, input, microBatch: 4, LinkEmulation.None, runs: 1);
        Assert.Empty(unlinked.LinkLoads);

        // Switching the links keeps the measurement.
        var switched = modelled.WithLinks(LinkEmulation.None);
        Assert.Equal(LinkEmulation.None, switched.Links);
        Assert.True(switched.Calibrated);
        Assert.Equal(modelled.Chips, switched.Chips);
        Assert.Empty(switched.LinkLoads);
        Assert.Equal(modelled.LinkLoads, switched.WithLinks(LinkEmulation.Modelled).LinkLoads);

        // The calibration runs are real runs: 2 warm-up + 3, then 2 + 1, micro-batches of 4.
        Assert.Equal(8 * 4, model.Ledger.ForwardSamples);
        Assert.True(model.Ledger.MatchesPlan);
    }

    [Fact]
    public void BadOptionsAreClear()
    {
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(new SplitResidual(), chips);
        var input = new float[2 * 432];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.RunPipelined(input, 2, new PipelineOptions { MicroBatch = 0 }));
        Assert.Contains("'SplitResidual': the micro-batch size must be positive, but PipelineOptions.MicroBatch is 0", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunPipelined(input, 2, new PipelineOptions { MicroBatch = -3 }));
        error = Assert.Throws<ArgumentOutOfRangeException>(() => model.RunPipelined(input, 2, new PipelineOptions { MicroBatch = 1, MaxInFlight = 0 }));
        Assert.Contains("MaxInFlight is 0", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunPipelined(input, 2, new PipelineOptions { MicroBatch = 1, Links = (LinkEmulation)7 }));
        Assert.Throws<ArgumentNullException>(() => model.RunPipelined(input, 2, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunPipelined(input, 0, new PipelineOptions { MicroBatch = 1 }));
        var length = Assert.Throws<ArgumentException>(() => model.RunPipelined(input.AsSpan(1), 2, new PipelineOptions { MicroBatch = 1 }));
        Assert.Contains("takes 864 input values for a batch of 2", length.Message);
        Assert.Throws<ArgumentException>(() => model.RunPipelined(input, 2, new float[3], new PipelineOptions { MicroBatch = 1 }));

        Assert.Throws<ArgumentOutOfRangeException>(() => PipelineForecast.FromPlan(SplitResidual.Plan, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PipelineForecast.Calibrate(model, input, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PipelineForecast.Calibrate(model, input, 1, runs: 0));
        var shortInput = Assert.Throws<ArgumentException>(() => PipelineForecast.Calibrate(model, input, 3));
        Assert.Contains("needs at least 1296 input values, but got 864", shortInput.Message);

        // Nothing ran.
        Assert.Equal(0, model.Ledger.ForwardSamples);
    }

    [Fact]
    public void DisposedModelOrChipSetRefusesToRun()
    {
        var input = new float[432];
        var options = new PipelineOptions { MicroBatch = 1 };
        using (var chips = ChipSet.Cpu(2))
        {
            var model = Model.Create(new SplitResidual(), chips);
            model.RunPipelined(input, 1, options); // starts the workers, which Dispose stops
            model.Dispose();
            Assert.Throws<ObjectDisposedException>(() => model.RunPipelined(input, 1, options));
        }

        var chipSet = ChipSet.Cpu(2);
        using var other = Model.Create(new SplitResidual(), chipSet);
        chipSet.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.RunPipelined(input, 1, options));
    }

    [Fact]
    public void NanPolicyRejectAppliesToPipelinedRuns()
    {
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(new SplitResidual(), chips, NanPolicy.Reject);
        var input = new float[2 * 432];
        input[500] = float.NaN;
        var error = Assert.Throws<ArithmeticException>(() => model.RunPipelined(input, 2, new PipelineOptions { MicroBatch = 1 }));
        Assert.Contains("NaN in the input at element 500", error.Message);
    }

    [Fact]
    public void FailingChipStopsThePipelineAndTheFailureIsRethrown()
    {
        // Chip 1 fails on its second layer of the second micro-batch.
        var faulty = new FaultyChip(failOnCall: SplitResidual.Plan.Layers.Count(l => l.Chip == 1) + 2);
        using var chips = ChipSet.Of(new CpuChip(), faulty);
        using var model = Model.Create(new SplitResidual(), chips);
        var input = ExecutionAssert.Input(6 * 432);
        var output = new float[6 * 5];
        var error = Assert.Throws<PipelineRunException>(() => model.RunPipelined(input, 6, output, new PipelineOptions { MicroBatch = 1, MaxInFlight = 1 }));
        Assert.Equal("chip on fire", Assert.IsType<InvalidOperationException>(error.InnerException).Message);

        // Chip 1 (the output chip) failed on micro-batch 1: micro-batch 0 is in the output, 1 to 5 are reported failed.
        Assert.Equal((1, 1, 6, 1, 1), (error.Chip, error.FailedMicroBatch, error.MicroBatches, error.Completed, error.CompletedSamples));
        Assert.Contains("Micro-batches 0 to 0 (samples 0 to 0) were written to the output; micro-batches 1 to 5 (samples 1 to 5) failed.", error.Message);
        Assert.Equal(model.Run(input.AsSpan(0, 432), 1), output[..5]);

        // It failed once; the model runs again, pipelined and sequentially, with the same results.
        var expected = SequentialInMicroBatches(model, input, 6, 2);
        Assert.Equal(expected, model.RunPipelined(input, 6, new PipelineOptions { MicroBatch = 2 }));
    }

    [Fact]
    public void StatsDescribeTheRun()
    {
        using var chips = ChipSet.Cpu(4);
        using var model = Model.Create(new ChainedWireFormats(), chips);
        var stats = model.RunPipelined(ExecutionAssert.Input(5 * 600), 5, new float[5 * 7], new PipelineOptions { MicroBatch = 2, MaxInFlight = 2 });
        Assert.Equal((5, 2, 3, 2, LinkEmulation.None), (stats.Samples, stats.MicroBatch, stats.MicroBatches, stats.MaxInFlight, stats.Links));
        Assert.Equal(5 / stats.Elapsed.TotalSeconds, stats.SamplesPerSecond);
        Assert.All(stats.Chips, c => Assert.True(c.Compute > TimeSpan.Zero && c.Busy == c.Compute + c.Send + c.Receive));
        Assert.Equal(TimeSpan.Zero, stats.Chips[0].Receive); // chip 0 receives nothing
        Assert.Equal(TimeSpan.Zero, stats.Chips[3].Send);    // chip 3 sends nothing
        Assert.Contains("5 samples in 3 micro-batches of 2, 2 in flight per cut, links None", stats.ToMarkdown());
    }

    /// <summary>Pipelined output (micro-batches of <paramref name="micro"/>) equals sequential runs of the same micro-batches, bit for bit.</summary>
    private static void AssertPipelinedEqualsSequential<TNetwork>(TNetwork network, int batch, int micro, string backend)
        where TNetwork : INetwork
    {
        var plan = TNetwork.Plan;
        using var chips = TrafficTests.Chips(backend, plan.Chips.Count);
        using var model = Model.Create(network, chips);
        ExecutionAssert.RandomiseBatchNorms(network.Parameters);
        var sampleLength = (int)Shapes.Elements(plan.InputShape);
        var input = ExecutionAssert.Input(batch * sampleLength);

        var expected = SequentialInMicroBatches(model, input, batch, micro);
        model.Ledger.Reset();
        var actual = model.RunPipelined(input, batch, new PipelineOptions { MicroBatch = micro });
        Assert.Equal(expected, actual);
        Assert.DoesNotContain(actual, float.IsNaN);
        Assert.Equal(batch, model.Ledger.ForwardSamples);
        Assert.True(model.Ledger.MatchesPlan);
        Assert.All(model.Ledger.Cuts, c => Assert.Equal((batch + micro - 1) / micro, c.Transfers));
    }

    private static float[] SequentialInMicroBatches(Model model, float[] input, int batch, int micro)
    {
        var sampleLength = input.Length / batch;
        var outputLength = (int)Shapes.Elements(model.OutputShape);
        var output = new float[batch * outputLength];
        for (var first = 0; first < batch; first += micro)
        {
            var samples = Math.Min(micro, batch - first);
            model.Run(input.AsSpan(first * sampleLength, samples * sampleLength), samples, output.AsSpan(first * outputLength, samples * outputLength));
        }

        return output;
    }

    /// <summary>A CPU chip whose n-th layer call throws (once).</summary>
    private sealed class FaultyChip(int failOnCall) : ChipDevice
    {
        private readonly int _failOnCall = failOnCall;
        private int _calls;

        public override string Name => "faulty CPU";

        public override string Backend => CpuChip.BackendName;

        internal override InferenceExecutor CreateInference(NetworkPlan plan, int chip, ChipPrograms programs) =>
            new FaultyExecutor(this, new CpuInferenceExecutor(plan, chip));

        protected override void OnDispose()
        {
        }

        private sealed class FaultyExecutor(FaultyChip device, InferenceExecutor inner) : InferenceExecutor(inner.Plan, inner.Chip)
        {
            public override void LoadParameters(ParameterSet parameters) => inner.LoadParameters(parameters);

            protected override void OnPrepare(int batch) => inner.Prepare(batch);

            public override void WriteInput(ReadOnlySpan<float> input) => inner.WriteInput(input);

            public override void Compute(int layer)
            {
                if (++device._calls == device._failOnCall)
                {
                    throw new InvalidOperationException("chip on fire");
                }

                inner.Compute(layer);
            }

            public override int Pack(int cut, CutDirection direction, Span<byte> wire) => inner.Pack(cut, direction, wire);

            public override void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire) => inner.Unpack(cut, direction, wire);

            public override void ReadOutput(int layer, Span<float> output) => inner.ReadOutput(layer, output);

            public override void Synchronize() => inner.Synchronize();

            public override void Dispose() => inner.Dispose();
        }
    }
}
