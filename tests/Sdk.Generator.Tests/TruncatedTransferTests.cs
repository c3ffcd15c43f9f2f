using System.Globalization;
using System.Linq;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>
/// <c>[Transfer(Format = WireFormat.Truncated, Bits = b)]</c>: read into the spec, counted packed in the plan and the
/// report, emitted with ILGPU pack and unpack kernels; Bits outside 1..32, or on another format, is SDK0006 on the attribute.
/// </summary>
public class TruncatedTransferTests
{
    private static string Source(string transfer) =>
        "using Sdk;\n[Network(InputShape = new[] { 3, 5, 5 })]\npublic partial class T\n{\n" +
        "    [Conv2D(7, Kernel = 3, Padding = 1)] public partial Layer A { get; }\n" +
        $"    [OnChip(1), {transfer}] [Conv2D(4, Kernel = 3, Padding = 1)] public partial Layer B {{ get; }}\n}}\n";

    [Fact]
    public void ATruncatedCutIsCountedPackedAndGetsIlgpuKernels()
    {
        var run = GeneratorHarness.Generate(Source("Transfer(Format = WireFormat.Truncated, Bits = 11)"));
        Assert.Empty(run.Errors);

        var plan = run.LoadPlan("T");
        var cut = Assert.Single(plan.Cuts);
        Assert.Equal(WireEncoding.Truncated(11), cut.Encoding);
        Assert.Equal((175 * 11 + 7) / 8, cut.ForwardBytesPerSample); // 7 x 5 x 5 values of 11 bits: 241 bytes
        Assert.Equal(cut.ForwardBytesPerSample, cut.BackwardBytesPerSample);
        Assert.Contains("| Truncated(11) |", plan.TrafficMarkdown);
        Assert.Contains("\"format\": \"Truncated\"", plan.TrafficJson);
        Assert.Contains("\"bits\": 11", plan.TrafficJson);

        Assert.Contains("WireEncoding(global::Sdk.WireFormat.Truncated, 11)", run.Source("T.Plan.g.cs"));
        Assert.Contains("DeviceOps.PackTruncated(k, x, wire, 175, 11)", run.Source("T.Chip0.g.cs"));
        Assert.Contains("DeviceOps.UnpackTruncated(k, wire, x, 175, 11)", run.Source("T.Chip1.g.cs"));
        Assert.Contains(run.Sdk, d => d.Id == "SDK0024" && d.GetMessage(CultureInfo.InvariantCulture).Contains("as Truncated(11): 241 B/sample forward"));
    }

    [Theory]
    [InlineData("Transfer(Format = WireFormat.Truncated)", "Transfer Bits is 0; it must be from 1 to 32 with Format = WireFormat.Truncated")]
    [InlineData("Transfer(Format = WireFormat.Truncated, Bits = 33)", "Transfer Bits is 33; it must be from 1 to 32 with Format = WireFormat.Truncated")]
    [InlineData("Transfer(Format = WireFormat.Float16, Bits = 12)", "Transfer Bits is 12; it must be unset (0) with Format = WireFormat.Float16: only Truncated takes Bits")]
    public void BitsOutOfRangeOrOnAnotherFormatIsSdk0006OnTheAttribute(string transfer, string message)
    {
        var source = Source(transfer);
        var diagnostic = Assert.Single(GeneratorHarness.Generate(source).Sdk, d => d.Id == "SDK0006");
        Assert.Equal($"Layer 'B': {message}", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(transfer, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }
}
