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
        NetworkGenerator.Steps.Parse, NetworkGenerator.Steps.Compile, NetworkGenerator.Steps.Diagnostics, NetworkGenerator.Steps.Output,
    };

    [Fact]
    public void UnrelatedFileLeavesEveryStepCached()
    {
        var result = RunTwice(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions)));

        foreach (var step in Steps)
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void CommentInTheNetworkFileLeavesTheOutputUnchanged()
    {
        var result = RunTwice(c =>
        {
            var tree = c.SyntaxTrees.Single();
            var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// a comment that moves every location\n" + tree.GetText()));
            return c.ReplaceSyntaxTree(tree, edited);
        });

        // The spec holds locations, so the analysis re-runs (its diagnostics moved); the emitted model has no
        // locations, so no source is re-emitted.
        Assert.All(result.TrackedSteps[NetworkGenerator.Steps.Compile].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
        Assert.All(result.TrackedSteps[NetworkGenerator.Steps.Output].SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void ChangedLayerIsReEmitted()
    {
        var result = RunTwice(c =>
        {
            var tree = c.SyntaxTrees.Single();
            var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.GetText().ToString().Replace("[Dense(128", "[Dense(256")));
            return c.ReplaceSyntaxTree(tree, edited);
        });

        Assert.All(result.TrackedSteps[NetworkGenerator.Steps.Output].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
    }

    private static GeneratorRunResult RunTwice(System.Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = GeneratorHarness.Compilation(GeneratorHarness.Network("FashionNet"));
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        driver = driver.RunGenerators(edit(compilation));
        return driver.GetRunResult().Results.Single();
    }
}
