using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>The generated code of five networks, compared with checked-in snapshots.</summary>
public class SnapshotTests
{
    [Theory]
    [InlineData("FashionNet")]
    [InlineData("ResidualNet")]
    [InlineData("CompressedNet")]
    [InlineData("BranchedNet")]
    [InlineData("LcpNet")]
    public void GeneratedCodeMatchesSnapshot(string network)
    {
        var run = GeneratorHarness.Generate(GeneratorHarness.Network(network));

        Assert.Empty(run.Errors);
        var warnings = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
        var chips = run.LoadPlan($"Samples.Nets.{network}").Chips.Count;
        Assert.Equal(3 + chips, run.Result.GeneratedSources.Length);
        foreach (var part in new[] { "Plan", "Traffic", "Layers" }.Concat(Enumerable.Range(0, chips).Select(c => $"Chip{c}")))
        {
            Snapshot.Verify(run.Source($".{part}.g.cs"), $"{network}.{part}");
        }
    }

    [Fact]
    public void HintNamesAreTheFullTypeName()
    {
        var run = GeneratorHarness.Generate(GeneratorHarness.Network("FashionNet"));

        Assert.Equal(
            new[]
            {
                "Samples.Nets.FashionNet.Chip0.g.cs", "Samples.Nets.FashionNet.Chip1.g.cs", "Samples.Nets.FashionNet.Layers.g.cs",
                "Samples.Nets.FashionNet.Plan.g.cs", "Samples.Nets.FashionNet.Traffic.g.cs",
            },
            run.Result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n));
    }
}
