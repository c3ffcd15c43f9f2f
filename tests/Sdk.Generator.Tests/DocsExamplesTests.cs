using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests;

/// <summary>The examples of every docs/diagnostics page compile as the page says: "Wrong" gives its ID, "Fixed" does not.</summary>
public class DocsExamplesTests
{
    public static IEnumerable<object[]> Pages() =>
        Directory.GetFiles(Path.Combine(RepoRoot.Path, "docs", "diagnostics"), "SDK*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(id => !DiagnosticTests.Untriggerable.Contains(id))
            .Order()
            .Select(id => new object[] { id! });

    [Theory]
    [MemberData(nameof(Pages))]
    public void ExamplesBehaveAsThePageSays(string id)
    {
        var page = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "diagnostics", id + ".md"));
        var blocks = Regex.Matches(page, @"## (Wrong|Fixed|Example)\s+```csharp\n(.*?)```", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        var wrong = GeneratorHarness.Generate(blocks.TryGetValue("Wrong", out var w) ? w : blocks["Example"]);
        Assert.Contains(wrong.Sdk, d => d.Id == id);

        if (blocks.TryGetValue("Fixed", out var fixedSource))
        {
            var run = GeneratorHarness.Generate(fixedSource);
            Assert.DoesNotContain(run.Sdk, d => d.Id == id);
            Assert.DoesNotContain(run.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        }
    }
}
