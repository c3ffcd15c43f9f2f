using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>The pipeline's models are value-equal, so edits that do not change a network do not re-emit it.</summary>
public class IncrementalityTests
{
    private static readonly string[] Steps =
    {
        NetworkGenerator.Steps.Parse, NetworkGenerator.Steps.Network, NetworkGenerator.Steps.Place, NetworkGenerator.Steps.Compile,
        NetworkGenerator.Steps.Diagnostics, NetworkGenerator.Steps.Output,
    };

    [Fact]
    public void UnrelatedFileLeavesEveryStepCached()
    {
        var result = RunTwice("FashionNet", c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions)));

        foreach (var step in Steps)
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Theory]
    [InlineData("FashionNet")]
    [InlineData("AutoPlacedNet")]
    public void CommentInTheNetworkFileRecomputesNothing(string network)
    {
        var result = RunTwice(network, c =>
        {
            var tree = c.SyntaxTrees.Single();
            var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// a comment that moves every location\n" + tree.GetText()));
            return c.ReplaceSyntaxTree(tree, edited);
        });

        // The parse holds locations, so it re-runs, and the diagnostics move with them; the network it hands on
        // has none, so it is unchanged, and placement, compilation and emission are not even run again.
        Assert.All(Outputs(result, NetworkGenerator.Steps.Parse), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
        Assert.All(Outputs(result, NetworkGenerator.Steps.Network), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        foreach (var step in new[] { NetworkGenerator.Steps.Place, NetworkGenerator.Steps.Compile, NetworkGenerator.Steps.Output })
        {
            Assert.All(Outputs(result, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(Outputs(result, NetworkGenerator.Steps.Diagnostics), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void ChangedLayerIsReEmitted()
    {
        var result = RunTwice("FashionNet", c =>
        {
            var tree = c.SyntaxTrees.Single();
            var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.GetText().ToString().Replace("[Dense(128", "[Dense(256")));
            return c.ReplaceSyntaxTree(tree, edited);
        });

        Assert.All(result.TrackedSteps[NetworkGenerator.Steps.Output].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
    }

    private static System.Collections.Generic.IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs);

    private static GeneratorRunResult RunTwice(string network, System.Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = GeneratorHarness.Compilation(GeneratorHarness.Network(network));
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        driver = driver.RunGenerators(edit(compilation));
        return driver.GetRunResult().Results.Single();
    }
}
