using ResNetTraffic;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>
/// Our partitioned runtime and ONNX Runtime, running the very same exported model and weights, agree within 1e-4
/// (<see cref="Tolerance"/>'s metric): the sample ResNet-18 on 4 chips (bottleneck and Float16 cuts) and the
/// Fashion-MNIST CNN on 2 chips (bottleneck).
/// </summary>
public class OnnxRuntimeAgreementTests
{
    [Theory]
    [MemberData(nameof(TrafficTests.Backends), MemberType = typeof(TrafficTests))]
    public void ResNet18OnFourChips(string backend) => AssertAgrees(new ResNet18FourChips(), batch: 2, seed: 3, backend);

    [Theory]
    [MemberData(nameof(TrafficTests.Backends), MemberType = typeof(TrafficTests))]
    public void FashionCnnOnTwoChips(string backend) => AssertAgrees(new FashionCnn(), batch: 4, seed: 5, backend);

    private static void AssertAgrees<TNetwork>(TNetwork network, int batch, int seed, string backend)
        where TNetwork : INetwork
    {
        var plan = TNetwork.Plan;
        ExecutionAssert.CopyParameters(TestParameters.Random(plan, seed), network.Parameters);
        var input = TestParameters.Input(batch, plan.InputShape, seed);

        var expected = OnnxRuntimeRunner.Run(plan, network.Parameters, input, batch);
        using var chips = TrafficTests.Chips(backend, plan.Chips.Count);
        using var model = Model.Create(network, chips);
        var actual = model.Run(input, batch);

        Tolerance.AssertClose(expected, actual, Tolerance.Default, $"{plan.Name} outputs (ours vs ONNX Runtime)");
    }
}
