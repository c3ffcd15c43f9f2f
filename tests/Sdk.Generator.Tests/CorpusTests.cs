using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>
/// Broken networks (Corpus/*.cs): incomplete attributes, wrong argument types, unknown nameof targets, cycles,
/// duplicate names, zero or negative sizes. Each must end in error diagnostics, never a generator exception.
/// </summary>
public class CorpusTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.cs").OrderBy(f => f).Select(f => new object[] { Path.GetFileNameWithoutExtension(f) });

    [Fact]
    public void CorpusHasAtLeastTwentySources() => Assert.True(Files().Count() >= 20);

    [Theory]
    [MemberData(nameof(Files))]
    public void BrokenSourceGivesErrorsNotExceptions(string name)
    {
        var run = GeneratorHarness.Generate(File.ReadAllText(Path.Combine(Folder, name + ".cs")));

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001"); // generator failed / threw
        Assert.Contains(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }
}
