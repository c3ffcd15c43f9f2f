using Sdk;

namespace Sdk.Runtime.Tests.Networks;

/// <summary>
/// Three slow chips with slow links, small enough to forecast by hand: a dense chain 0 -> 1 -> 2 and a skip
/// edge 0 -> 2. The placement is the point (a better one exists: SDK0032, silenced for this project, says so).
/// </summary>
[Network(InputShape = new[] { 8 })]
[Chip(0, Name = "a", Gflops = 0.001)]
[Chip(1, Name = "b", Gflops = 0.002)]
[Chip(2, Name = "c", Gflops = 0.0005)]
[Link(0, 1, GigabytesPerSecond = 0.001, LatencyMicroseconds = 100)]
[Link(1, 2, GigabytesPerSecond = 0.002, LatencyMicroseconds = 40)]
[Link(0, 2, GigabytesPerSecond = 0.004, LatencyMicroseconds = 20)]
public partial class PipelineChain
{
    [Dense(16, Activation = Activation.Relu)] public partial Layer A { get; }  // 2·16·8 + 16 bias + 16 ReLU = 288 FLOPs
    [OnChip(1), Dense(4)] public partial Layer B { get; }                        // 2·4·16 + 4 = 132
    [OnChip(2), Dense(2)] public partial Layer C { get; }                        // 2·2·4 + 2 = 18
    [Dense(2, Input = nameof(A))] public partial Layer D { get; }                // 2·2·16 + 2 = 66
    [Add(nameof(C))] public partial Layer E { get; }                             // 2
}
