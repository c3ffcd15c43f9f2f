using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Generator.Tests.Infrastructure;

namespace Sdk.Generator.Tests.Fuzz;

/// <summary>
/// What must hold for any source, however broken: the generator does not throw (no CS8784/CS8785, no SDK0040),
/// nothing is reported inside a file it generated (the user cannot fix generated code: every problem must be
/// an SDK diagnostic on their own code, or the generated code must not clash), and every SDK diagnostic points
/// into one of the user's files.
/// </summary>
internal static class FuzzOracle
{
    /// <summary>The generator failed: threw in a step (CS8785), at initialisation (CS8784), or caught its own bug (SDK0040).</summary>
    private static readonly string[] Failures = { "CS8784", "CS8785", "AD0001", "SDK0040" };

    public static List<string> Check(FuzzCase fuzz, GeneratorHarness.Run run)
    {
        var problems = new List<string>();
        if (run.Result.Exception is { } exception)
        {
            problems.Add($"the generator threw {exception.GetType().Name}: {exception.Message}");
        }

        var userFiles = Enumerable.Range(0, fuzz.Sources.Length).Select(i => $"Source{i}.cs").ToHashSet(StringComparer.Ordinal);
        foreach (var d in run.Diagnostics)
        {
            if (Failures.Contains(d.Id))
            {
                problems.Add($"generator failure: {d}");
            }

            if (d.Severity != DiagnosticSeverity.Hidden && d.Location.SourceTree is { } tree && !userFiles.Contains(tree.FilePath))
            {
                var line = tree.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
                problems.Add($"in generated file {System.IO.Path.GetFileName(tree.FilePath)}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} at `{line}`");
            }

            if (d.Id.StartsWith("SDK", StringComparison.Ordinal))
            {
                var path = d.Location.GetLineSpan().Path;
                if (d.Location.Kind == LocationKind.None || !userFiles.Contains(path))
                {
                    problems.Add($"SDK diagnostic without a location in the user's files: {d}");
                }
            }
        }

        return problems;
    }
}
