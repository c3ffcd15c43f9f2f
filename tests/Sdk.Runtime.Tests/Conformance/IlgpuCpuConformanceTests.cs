using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Ilgpu;
using Xunit.Abstractions;

namespace Sdk.Runtime.Tests.Conformance
{
    /// <summary>The conformance suite on the ILGPU CPU accelerator (simulated GPU threads).</summary>
    public sealed class IlgpuCpuConformanceTests(KernelBackendFixture<IlgpuCpuConformanceTests> fixture, ITestOutputHelper output)
        : KernelConformanceTests<IlgpuCpuConformanceTests>(fixture, output), IKernelBackendFactory
    {
        public static IKernelBackend Create() => IlgpuKernelBackend.Cpu();
    }
}
