using System;
using System.Linq;
using Sdk.Remote.Tests.Support;
using Sdk.Runtime;
using Sdk.Runtime.Remote;

namespace Sdk.Remote.Tests;

/// <summary>Runs over chip hosts equal the in-process runs bit for bit, and the traffic is the plan's to the byte.</summary>
[Collection(RemoteCollection.Name)]
public sealed class RemoteExecutionTests(Deployment deployment)
{
    private const int Batch = 6;

    [Fact]
    public void RunEqualsTheInProcessRunBitForBit()
    {
        var input = Input(Batch);
        var expected = InProcess(input, Batch);

        using var chips = deployment.Chips();
        using var model = Model.Create(Deployment.Weights(), chips);
        var actual = model.Run(input, Batch);

        Assert.Equal(Bits(expected), Bits(actual));
        Assert.Equal(Bits(expected), Bits(model.Run(input, Batch))); // the session goes on
    }

    private static float[] InProcess(float[] input, int batch)
    {
        using var chips = ChipSet.Cpu(4);
        using var model = Model.Create(Deployment.Weights(), chips);
        return model.Run(input, batch);
    }

    internal static float[] Input(int batch)
    {
        var random = new Random(3);
        return Enumerable.Range(0, batch * 3 * 8 * 8).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
    }

    internal static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
