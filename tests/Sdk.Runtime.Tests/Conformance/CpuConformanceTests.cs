using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Backends;
using Xunit.Abstractions;

namespace Sdk.Runtime.Tests.Conformance
{
    /// <summary>The conformance suite on the vectorised CPU kernels (<see cref="CpuKernelBackend"/>).</summary>
    public sealed class CpuConformanceTests(KernelBackendFixture<CpuConformanceTests> fixture, ITestOutputHelper output)
        : KernelConformanceTests<CpuConformanceTests>(fixture, output), IKernelBackendFactory
    {
        public static IKernelBackend Create() => new CpuKernelBackend();
    }
}
