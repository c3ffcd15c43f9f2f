using System.IO;
using System.Linq;
using Sdk.Generator.Tests.Infrastructure;
using Sdk.Runtime;

namespace Sdk.Generator.Tests;

/// <summary>Shapes, parameters, MACs and traffic of whole networks, against arithmetic written out here.</summary>
public class CountingTests
{
    [Fact]
    public void FashionNetCountsAndTraffic()
    {
        var plan = GeneratorHarness.Generate(GeneratorHarness.Network("FashionNet")).LoadPlan("Samples.Nets.FashionNet");

        // Conv1: 32 filters of 1x3x3 + bias, on 28x28 (padding 1 keeps the size).
        Assert.Equal((32 * 1 * 3 * 3) + 32, plan.Layer("Conv1").ParameterCount);
        Assert.Equal(32L * 28 * 28 * 1 * 3 * 3, plan.Layer("Conv1").Macs);
        Assert.Equal(new[] { 32, 14, 14 }, plan.Layer("Pool1").OutputShape);

        // The cut Pool1 -> Conv2 goes through a 1/8 bottleneck: 32 channels become ceil(32/8) = 4.
        Assert.Equal((4 * 32) + 4, plan.Layer("Conv2.encoder").ParameterCount);
        Assert.Equal((32 * 4) + 32, plan.Layer("Conv2.decoder").ParameterCount);
        var cut = Assert.Single(plan.Cuts);
        Assert.Equal(new[] { 4, 14, 14 }, cut.Shape);
        Assert.Equal(4L * 14 * 14 * 4, cut.ForwardBytesPerSample); // 3136 bytes of float32
        Assert.Equal(cut.ForwardBytesPerSample, cut.BackwardBytesPerSample);
        Assert.Equal(2e-6 + (3136 / 0.5e9), cut.ModelledSecondsPerSample!.Value, 12);

        // Conv2: 64 x 32 x 3 x 3 + 64; Fc1 reads Pool2 flattened, 64 x 7 x 7 = 3136 features.
        Assert.Equal((64 * 32 * 9) + 64, plan.Layer("Conv2").ParameterCount);
        Assert.Equal((3136 * 128) + 128, plan.Layer("Fc1").ParameterCount);
        Assert.Equal((128 * 10) + 10, plan.Layer("Logits").ParameterCount);

        // Chip 0: Conv1 and the encoder; chip 1: the decoder and the rest.
        Assert.Equal(320 + 132, plan.Chips[0].Parameters);
        Assert.Equal(160 + 18496 + 401536 + 1290, plan.Chips[1].Parameters);
        Assert.Equal(4 * (320 + 132), plan.Chips[0].ParameterBytes);
    }

    [Fact]
    public void ResNet18CountsAndTrafficOverTwoAndFourChips()
    {
        var sources = Directory.GetFiles(Path.Combine(RepoRoot.Path, "samples", "ResNetTraffic"), "ResNet18*.cs").Select(File.ReadAllText).ToArray();
        var run = GeneratorHarness.Generate(sources);
        var two = run.LoadPlan("ResNetTraffic.ResNet18TwoChips");
        var four = run.LoadPlan("ResNetTraffic.ResNet18FourChips");

        // CIFAR ResNet-18 with 10 classes: 11,173,962 parameters (the torchvision-style count).
        long Conv(int cin, int cout, int k) => (long)cin * cout * k * k;
        long Bn(int c) => 2L * c;
        long Block(int cin, int cout, bool projection) =>
            Conv(cin, cout, 3) + Bn(cout) + Conv(cout, cout, 3) + Bn(cout) + (projection ? Conv(cin, cout, 1) + Bn(cout) : 0);
        var expected = Conv(3, 64, 3) + Bn(64)
            + Block(64, 64, false) + Block(64, 64, false)
            + Block(64, 128, true) + Block(128, 128, false)
            + Block(128, 256, true) + Block(256, 256, false)
            + Block(256, 512, true) + Block(512, 512, false)
            + (512 * 10) + 10;
        Assert.Equal(11_173_962, expected);
        Assert.Equal(expected, two.Chips.Sum(c => c.Parameters));

        // Two chips: stage 2's output, 128 x 16 x 16 float32, crosses once for both readers.
        var cut = Assert.Single(two.Cuts);
        Assert.Equal(new[] { "L3B1Conv1", "L3B1Proj" }, cut.To);
        Assert.Equal(128L * 16 * 16 * 4, cut.ForwardBytesPerSample);
        Assert.Equal(5e-6 + (131072 / 1e9), cut.ModelledSecondsPerSample!.Value, 12);

        // Four chips: 64x32x32 through a 1/4 bottleneck (16 channels, float32), 128x16x16 as Float16, 256x8x8 float32.
        Assert.Equal(new[] { 16L * 32 * 32 * 4, 128L * 16 * 16 * 2, 256L * 8 * 8 * 4 }, four.Cuts.Select(c => c.ForwardBytesPerSample));
        Assert.Equal(3 * 65536L, four.ForwardBytesPerSample);
        Assert.Equal(2 * 3 * 65536L, four.ForwardBytesPerSample + four.BackwardBytesPerSample);

        // The bottleneck adds an encoder (64 -> 16) and a decoder (16 -> 64), 1x1 with bias.
        Assert.Equal(expected + (64 * 16) + 16 + (16 * 64) + 64, four.Chips.Sum(c => c.Parameters));

        // MACs of the stem: 64 filters x 32 x 32 outputs x 3 x 3 x 3.
        Assert.Equal(64L * 32 * 32 * 27, two.Layer("Stem").Macs);
    }

    [Fact]
    public void CompressedNetWireFormats()
    {
        var plan = GeneratorHarness.Generate(GeneratorHarness.Network("CompressedNet")).LoadPlan("Samples.Nets.CompressedNet");

        // Stem: 24 x 16 x 16 narrowed 1/4 to 6 channels, Int8: one byte each plus a 4-byte scale per sample.
        Assert.Equal((6L * 16 * 16) + 4, plan.Cuts[0].ForwardBytesPerSample);
        Assert.Equal(WireFormat.Int8, plan.Cuts[0].Format);

        // Drop: 96 features through a 1/3 dense bottleneck (32), Float16: 2 bytes each.
        Assert.Equal(32L * 2, plan.Cuts[1].ForwardBytesPerSample);
        Assert.Equal((32 * 96) + 32, plan.Layer("Head.encoder").ParameterCount);

        // Concat of Body (48 channels) and the decoded Stem (24): 72 x 16 x 16; pooled 3/2/1 to 8 x 8.
        Assert.Equal(new[] { 72, 16, 16 }, plan.Layer("Joined").OutputShape);
        Assert.Equal(new[] { 72, 8, 8 }, plan.Layer("Pool").OutputShape);
        Assert.Equal((72 * 8 * 8 * 96) + 96, plan.Layer("Features").ParameterCount);
    }
}
