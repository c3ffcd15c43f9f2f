using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Sdk.Benchmarks;

/// <summary>
/// [SimpleJob] run in this process. The project BenchmarkDotNet generates for a separate process loses the assemblies
/// the generator returns as analyzer dependencies (Sdk.Attributes: FileNotFoundException in every setup); in process,
/// this program's deps.json loads them (see Program).
/// </summary>
public sealed class InProcessJobAttribute : JobConfigBaseAttribute
{
    public InProcessJobAttribute(int warmupCount, int iterationCount)
        : base(Job.Default.WithWarmupCount(warmupCount).WithIterationCount(iterationCount).WithToolchain(InProcessEmitToolchain.Instance))
    {
    }

    public InProcessJobAttribute(RunStrategy strategy, int warmupCount, int iterationCount, int invocationCount)
        : base(Job.Default.WithStrategy(strategy).WithWarmupCount(warmupCount).WithIterationCount(iterationCount)
            .WithInvocationCount(invocationCount).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance))
    {
    }
}
