using System.IO;
using System.Linq;
using Sdk.Runtime.Remote;

namespace Sdk.Remote.Tests;

/// <summary>A two-branch [Lcp] network for the plan file round trip.</summary>
[Network(InputShape = new[] { 1, 8, 8 })]
[Lcp(Branches = 2)]
public partial class RemoteLcpNet
{
    [Conv2D(4, Padding = 1, Activation = Activation.Relu)] public partial Layer C1 { get; }
    [GlobalAvgPool] public partial Layer Pool { get; }
    [Dense(3)] public partial Layer Logits { get; }
}

/// <summary>A branched plan travels to a chip host as a plan file like any other: the host compiles the same plan, input cut included.</summary>
public sealed class LcpPlanFileTests
{
    [Fact]
    public void AnLcpPlanRoundTripsThroughAPlanFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lcp-{System.Guid.NewGuid():N}.plan.json");
        try
        {
            PlanFile.Save(RemoteLcpNet.Plan, path);
            var plan = PlanFile.Load(path);

            Assert.Equal(PlanFingerprint.Of(RemoteLcpNet.Plan), PlanFingerprint.Of(plan));
            Assert.Equal(RemoteLcpNet.Plan.Cuts, plan.Cuts);
            Assert.Equal(RemoteLcpNet.Plan.Layers.Select(l => (l.Name, l.Chip)), plan.Layers.Select(l => (l.Name, l.Chip)));
            // The input (64 floats) to chip 1, forward only; branch 1's 2 pooled features to the merge on chip 0.
            Assert.Equal(new[] { (true, 256L, 0L), (false, 8L, 8L) }, plan.Cuts.Select(c => (c.IsInput, c.ForwardBytesPerSample, c.BackwardBytesPerSample)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
