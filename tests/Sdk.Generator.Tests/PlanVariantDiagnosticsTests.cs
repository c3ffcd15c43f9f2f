using System;
using System.Globalization;
using System.Linq;
using Sdk.Compiler;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>
/// A bad plan variant (<c>NetworkPlan.WithBottleneck</c>, <c>WithTransfer</c>, <c>WithChip</c>) fails with the
/// errors the generator reports for the equivalent declared class: the same IDs and the same messages.
/// </summary>
public class PlanVariantDiagnosticsTests
{
    private const string Source = """
        using Sdk;
        namespace Variants;
        [Network(InputShape = new[] { 8, 6, 6 })]
        [Chip(0, MemoryKiB = 4)][Chip(1)]
        public partial class Net
        {
            [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer A { get; }
            [OnChip(1), /*B*/ Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer B { get; }
            [/*C*/ Conv2D(8, Kernel = 1, Input = nameof(A))] public partial Layer C { get; }
            [/*D*/ Add(nameof(B))] public partial Layer D { get; }
        }
        """;

    private static readonly Lazy<NetworkPlan> Plan = new(() => GeneratorHarness.Generate(Source).LoadPlan("Variants.Net"));

    [Fact]
    public void ARatioBelowOne_IsSdk0006() =>
        AssertSameErrors(() => Plan.Value.WithBottleneck("B", 0), Source.Replace("/*B*/", "Bottleneck(Ratio = 0),"));

    [Fact]
    public void ReadersOfOneCutAskingForDifferentRatios_IsSdk0019() =>
        AssertSameErrors(
            () => Plan.Value.WithBottleneck("B", 2).WithBottleneck("C", 4),
            Source.Replace("/*B*/", "Bottleneck(Ratio = 2),").Replace("/*C*/", "Bottleneck(Ratio = 4),"));

    [Fact]
    public void ReadersOfOneCutAskingForDifferentFormats_IsSdk0019() =>
        AssertSameErrors(
            () => Plan.Value.WithTransfer("B", WireFormat.Int8).WithTransfer("C", WireFormat.Float16),
            Source.Replace("/*B*/", "Transfer(Format = WireFormat.Int8),").Replace("/*C*/", "Transfer(Format = WireFormat.Float16),"));

    [Fact]
    public void AnUndefinedFormat_IsSdk0006() =>
        AssertSameErrors(() => Plan.Value.WithTransfer("B", (WireFormat)42), Source.Replace("/*B*/", "Transfer(Format = (WireFormat)42),"));

    [Fact]
    public void TruncatedBitsOutsideTheRange_IsSdk0006() =>
        AssertSameErrors(() => Plan.Value.WithTransfer("B", WireFormat.Truncated, 33), Source.Replace("/*B*/", "Transfer(Format = WireFormat.Truncated, Bits = 33),"));

    [Fact]
    public void BitsOnAnotherFormat_IsSdk0006() =>
        AssertSameErrors(() => Plan.Value.WithTransfer("B", WireFormat.Float16, 12), Source.Replace("/*B*/", "Transfer(Format = WireFormat.Float16, Bits = 12),"));

    [Fact]
    public void AnUnknownChip_IsSdk0015() =>
        AssertSameErrors(() => Plan.Value.WithChip("D", 2), Source.Replace("/*D*/", "OnChip(2),"));

    [Fact]
    public void ParametersOverAChipsMemory_IsSdk0020() =>
        AssertSameErrors(() => Plan.Value.WithChip("B", null), Source.Replace("[OnChip(1), /*B*/", "[/*B*/"));

    private static void AssertSameErrors(Func<NetworkPlan> variant, string declared)
    {
        var expected = GeneratorHarness.Generate(declared).Sdk
            .Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}")
            .ToList();

        var error = Assert.Throws<NetworkCompilationException>(variant);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, error.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()));
    }
}
