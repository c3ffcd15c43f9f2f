using System.Linq;

namespace Sdk.Compiler.Tests;

/// <summary>The wire formats' counts: truncation bit-packed per sample at every width, its checks, and the exchange's prediction.</summary>
public class WireFormatTests
{
    private static NetworkSpec TwoChips(WireEncoding? transfer) => new(
        "Net",
        new[] { 3, 5, 5 },
        PlacementMode.Manual,
        EquatableArray<ChipSpec>.Empty,
        EquatableArray<LinkSpec>.Empty,
        new[]
        {
            new LayerSpec("A", LayerKind.Conv2D, new LayerArguments { Size = 7, Kernel = 3, Padding = 1, Bias = true }, LayerSpec.ReadsPrevious),
            new LayerSpec("B", LayerKind.Dense, new LayerArguments { Size = 4, Bias = true }, LayerSpec.ReadsPrevious, OnChip: 1, Transfer: transfer),
        });

    [Fact]
    public void TruncationCostsCeilingOfValuesTimesBitsOverEightPerSample()
    {
        for (var bits = 1; bits <= 32; bits++)
        {
            var format = WireFormats.Of(WireEncoding.Truncated(bits));
            Assert.Equal(((175 * bits) + 7) / 8, format.BytesPerSample(175));
            Assert.Equal(3 * (((175 * bits) + 7) / 8), format.Bytes(175, 3)); // each sample from a byte boundary
            Assert.Equal(WireEncoding.Truncated(bits), format.GradientFormat);
            Assert.Equal($"Truncated({bits})", format.Name);

            var plan = NetworkPlan.Compile(TwoChips(WireEncoding.Truncated(bits)));
            Assert.Equal(format.BytesPerSample(175), plan.Cuts[0].ForwardBytesPerSample);
            Assert.Equal(format.Bytes(175, 9), plan.Cuts[0].BackwardBytes(9));
        }

        Assert.Equal(4 * 175, WireFormats.Of(WireEncoding.Truncated(32)).BytesPerSample(175)); // 32 bits: Float32's size
        Assert.Equal(0, WireFormats.Of(WireEncoding.Truncated(32)).RelativeError);
        Assert.Equal(1.0 / 8, WireFormats.Of(WireEncoding.Truncated(12)).RelativeError); // 3 mantissa bits kept
        Assert.Equal(1, WireFormats.Of(WireEncoding.Truncated(4)).RelativeError);
    }

    [Fact]
    public void TheTableHasOneEncodingPerFormatAndEveryTruncationWidth()
    {
        Assert.Equal(4 + 32, WireFormats.Encodings.Count);
        Assert.All(WireFormats.Encodings, e => Assert.True(e.IsValid));
        Assert.Equal(WireFormats.Encodings, WireFormats.All.Select(d => d.Encoding));
        Assert.False(new WireEncoding(WireFormat.Truncated).IsValid);
        Assert.False(new WireEncoding(WireFormat.Int8, 8).IsValid);
        Assert.Equal(WireEncoding.Float32, (WireEncoding)WireFormat.Float32);
    }

    [Theory]
    [InlineData(WireFormat.Truncated, 0, "Transfer Bits is 0; it must be from 1 to 32 with Format = WireFormat.Truncated")]
    [InlineData(WireFormat.Truncated, -3, "Transfer Bits is -3; it must be from 1 to 32 with Format = WireFormat.Truncated")]
    [InlineData(WireFormat.Int8, 8, "Transfer Bits is 8; it must be unset (0) with Format = WireFormat.Int8: only Truncated takes Bits")]
    public void BadBitsAreSdk0006(WireFormat format, int bits, string message)
    {
        var result = NetworkCompiler.Compile(TwoChips(new WireEncoding(format, bits)));
        Assert.Null(result.Plan);
        var error = Assert.Single(result.Diagnostics, d => d.Id == DiagnosticRules.InvalidArgument.Id);
        Assert.Equal($"Layer 'B': {message}", error.Message);
    }

    [Fact]
    public void TheExchangeCostsEachTensorToEachOtherReplica()
    {
        var plan = NetworkPlan.Compile(TwoChips(null));
        long[] tensors = { 7 * 3 * 3 * 3, 7, 4 * 175, 4 };
        Assert.Equal(0, ExchangeTraffic.StepBytes(plan, 1, WireFormat.Float32, WireFormat.Float32));
        Assert.Equal(2 * tensors.Sum(n => (4 * n) + (4 * n)), ExchangeTraffic.StepBytes(plan, 3, WireFormat.Float32, WireFormat.Float32));
        Assert.Equal(3 * tensors.Sum(n => ((n * 10) + 7) / 8 + (2 * n)), ExchangeTraffic.StepBytes(plan, 4, WireEncoding.Truncated(10), WireFormat.Float16));
    }
}
